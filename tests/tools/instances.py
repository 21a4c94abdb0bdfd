"""Draws valid JSON instances of JSON Schemas with hypothesis-jsonschema, for `tests/property/`.

Reads one JSON request on standard input:

    {"seed": <u64>, "count": <n>, "schemas": {"<key>": <draft-07 schema>, ...}}

and writes JSON lines to standard output, `count` per key in request order:

    {"key": "<key>", "value": <instance>}

or, for a schema no instance can be drawn from, one line `{"key": "<key>", "error": "<why>"}`.

The output depends only on the request (and the pinned versions in requirements.txt): each key
draws from its own seed derived from the request's, so one schema's instances do not change when
another schema is added. When a schema has fewer distinct instances than `count` (a small enum),
hypothesis stops early and further rounds with further derived seeds fill up the rest, repeating
values.
"""

import hashlib
import json
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor

import hypothesis_jsonschema._from_schema as hjs
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import provisional as prov
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis_jsonschema import from_schema

# Rounds of drawing per key before giving up on a schema that yields nothing.
MAX_ROUNDS = 500

# How often one definition may be expanded inside itself: hypothesis-jsonschema does not follow
# recursive references, so they are unrolled this deep and cut off with `false` (no instance)
# below, which leaves optional recursive properties and array items out at that depth.
MAX_RECURSION = 3


def _a_labels_in_lower_case(domain):
    # DNS names are case-insensitive, but the `jsonschema` crate only takes `xn--` (an IDNA
    # A-label) in lower case and rejects `XN--…` labels, which hypothesis draws.
    return ".".join(
        label.lower() if label.lower().startswith("xn--") else label
        for label in domain.split(".")
    )


_DOMAINS = prov.domains().map(_a_labels_in_lower_case)

CUSTOM_FORMATS = {
    # `uuid` is not a draft-07 format; both spellings of the hex digits are valid.
    "uuid": st.tuples(st.uuids(), st.booleans()).map(
        lambda drawn: str(drawn[0]).upper() if drawn[1] else str(drawn[0])
    ),
    "email": st.emails(domains=_DOMAINS),
    "idn-email": st.emails(domains=_DOMAINS),
    "hostname": _DOMAINS,
    "idn-hostname": _DOMAINS,
}


# Three changes to how hypothesis-jsonschema draws, for speed only: every instance is still valid
# against the schema, and what is drawn stays a function of the seed.
#
# 1. It builds a strategy again for every property it draws; the same schema gets the same
#    strategy, so they are built once.
_build_strategy = hjs.__dict__["__from_schema"]
_strategies = {}


def _cached_strategy(schema, *, alphabet, custom_formats):
    key = (json.dumps(schema, sort_keys=True), id(alphabet), id(custom_formats))
    if key not in _strategies:
        built = _build_strategy(schema, alphabet=alphabet, custom_formats=custom_formats)
        # The arguments are kept alive with the strategy so their ids stay theirs.
        _strategies[key] = (built, alphabet, custom_formats)
    return _strategies[key][0]


hjs.__dict__["__from_schema"] = _cached_strategy

# 2. Values of properties a schema does not declare are any JSON, up to 100 leaves each; a few
#    leaves are enough to show they are kept.
hjs.JSON_STRATEGY = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: x or 0.0)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)

# 3. An object that allows undeclared properties gets a handful of them on average, not five
#    more than it requires: at most two more than it declares. The schema here is already merged
#    (`allOf` included), so its own properties and requirements are all there are.
EXTRA_PROPERTIES = 2
_object_strategy = hjs.object_schema


def _fewer_properties(custom_formats, alphabet, schema):
    if "maxProperties" not in schema and schema.get("additionalProperties") is not False:
        least = max(len(schema.get("required", [])), schema.get("minProperties", 0))
        most = max(least, len(schema.get("properties", {}))) + EXTRA_PROPERTIES
        schema = {**schema, "maxProperties": most}
    return _object_strategy(custom_formats, alphabet, schema)


hjs.object_schema = _fewer_properties


def derived_seed(request_seed, key, round_number):
    """A seed for one key and round, stable across runs and Python versions."""
    text = f"{request_seed}/{key}/{round_number}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def unescape(token):
    """A JSON pointer token as the key it names (RFC 6901)."""
    return token.replace("~1", "/").replace("~0", "~")


def inline_definitions(schema):
    """The schema with every `#/definitions/...` reference replaced by its target."""
    definitions = schema.get("definitions", {})

    def target(reference):
        tokens = [unescape(t) for t in reference[len("#/definitions/") :].split("/")]
        node = definitions
        for token in tokens:
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def inline(node, expanding):
        if isinstance(node, list):
            return [inline(item, expanding) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/definitions/"):
            if expanding.count(reference) >= MAX_RECURSION:
                return False
            return inline(target(reference), expanding + [reference])
        out = {}
        for key, value in node.items():
            if key == "definitions":
                continue
            # Values of these keywords are data, not schemas.
            if key in ("enum", "const", "default", "examples"):
                out[key] = value
            elif key == "properties" and isinstance(value, dict):
                out[key] = {name: inline(v, expanding) for name, v in value.items()}
            else:
                out[key] = inline(value, expanding)
        return out

    return inline(schema, [])


def draw(strategy, draw_seed, count):
    """Up to `count` instances from one hypothesis run; fewer when the space is exhausted."""
    found = []

    @seed(draw_seed)
    @settings(
        database=None,
        max_examples=count,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(strategy)
    def collect(value):
        found.append(value)

    collect()
    return found


def instances(request_seed, key, schema, count):
    """`count` instances of `schema`."""
    strategy = from_schema(inline_definitions(schema), custom_formats=CUSTOM_FORMATS)
    values = []
    for round_number in range(MAX_ROUNDS):
        if len(values) >= count:
            break
        try:
            values.extend(draw(strategy, derived_seed(request_seed, key, round_number), count - len(values)))
        except HypothesisException as error:
            # Unsatisfiable: nothing valid was found this round; a later seed may do better.
            if round_number >= 10 and not values:
                raise ValueError(f"no instance after {round_number + 1} rounds: {error}") from None
    if len(values) < count:
        raise ValueError(f"only {len(values)} instances after {MAX_ROUNDS} rounds")
    return values[:count]


def lines(job):
    """The output lines of one key: its instances, or why there are none."""
    request_seed, key, schema, count = job
    warnings.simplefilter("ignore")
    try:
        drawn = instances(request_seed, key, schema, count)
    except Exception as error:  # reported per schema; the other schemas still run
        return [json.dumps({"key": key, "error": f"{type(error).__name__}: {error}"})]
    return [json.dumps({"key": key, "value": value}, allow_nan=False) for value in drawn]


def main():
    request = json.load(sys.stdin)
    jobs = [
        (request["seed"], key, schema, request["count"])
        for key, schema in request["schemas"].items()
    ]
    # Keys are independent (each has its own seed), so they are drawn in parallel; the output
    # keeps the request's order.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for key_lines in pool.map(lines, jobs):
            sys.stdout.write("".join(line + "\n" for line in key_lines))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
