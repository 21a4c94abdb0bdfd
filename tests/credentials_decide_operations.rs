//! The credential a client is built with decides which operations it has: a public-key client
//! has the read-only operations the API opens to public keys and nothing else, so calling a
//! secret-only operation on it does not compile; a secret-key client has every operation.
//!
//! The failing cases go through trybuild, in one `TestCases` so that its project is set up once
//! (paths are relative to this crate's manifest, `tests/`). The passing case is plain code in
//! this file: the test binary compiling is the proof, and it spares trybuild a full build of
//! every dependency, which a `pass` case needs since it runs the program.

use skiplino::auth::{PublicKey, SecretKey};
use skiplino::types::{CustomerUpdateRequest, CustomerWriteRequest};
use skiplino::{Client, ClientConfig};

#[test]
fn a_public_key_client_lacks_the_secret_only_operations() {
    trybuild::TestCases::new().compile_fail("compile_fail/*.rs");
}

/// Only request builders are made: nothing is sent.
#[test]
fn a_public_key_client_has_the_public_operations_and_a_secret_key_client_all() {
    let url = "http://127.0.0.1:9";
    let key = PublicKey::new("pk_test_key").expect("a public key");
    let public: Client<PublicKey> =
        Client::from_config(ClientConfig::new(url), key).expect("the client builds");
    let _ = public.list_active_branches();
    let _ = public.get_branch_service_tree("802b33af66");
    let _ = public.get_available_slots("802b33af66");
    let _ = public.fetch_ticket("k7m2p9x4q1");
    let _ = public.list_customer_tickets().external_id("crm-7741");

    let key = SecretKey::new("sk_test_key").expect("a secret key");
    let secret: Client<SecretKey> =
        Client::from_config(ClientConfig::new(url), key).expect("the client builds");
    let _ = secret.list_active_branches();
    let _ = secret.get_branch_service_tree("802b33af66");
    let _ = secret.get_available_slots("802b33af66");
    let _ = secret.fetch_ticket("k7m2p9x4q1");
    let _ = secret.list_customer_tickets().external_id("crm-7741");
    let _ = secret.cancel_ticket("k7m2p9x4q1");
    let _ = secret.create_customer(CustomerWriteRequest::default());
    let _ = secret.list_customers();
    let _ = secret.fetch_customer().external_id("crm-7741");
    let _ = secret.update_customer(CustomerUpdateRequest::default());
    let _ = secret.delete_customer().external_id("crm-7741");
}
