use skiplino::auth::PublicKey;
use skiplino::{Client, ClientConfig};

fn main() {
    let key = PublicKey::new("pk_test_key").expect("a public key");
    let client: Client<PublicKey> =
        Client::from_config(ClientConfig::new("http://127.0.0.1:9"), key).expect("builds");
    let _ = client.fetch_customer();
    let _ = client.delete_customer();
}
