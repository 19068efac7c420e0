package policies

// Review is the verdict on one OPA built-in function: whether policies,
// bundled or the user's, may call it.
type Review struct {
	Allowed bool
	// Why a built-in is refused, or what an allowed one still depends on.
	Why string
}

// ReviewedBuiltins returns the verdict on every built-in of the OPA version
// in go.mod, by name. A built-in is allowed only if its result depends on
// its arguments alone: no network, no file, no clock, no random numbers, no
// process environment. Rules are pure functions of one VM; anything else
// would let a policy from a pull request read the CI host or the network,
// and would make the engine's result cache wrong. gencaps pins the allowed
// ones in capabilities.json, the engine refuses a capabilities file that
// allows any other, and a test fails when OPA brings a built-in that is not
// listed here, until someone reviews it.
func ReviewedBuiltins() map[string]Review {
	refused := map[string]string{
		"http.send":                                 "sends HTTP requests",
		"net.lookup_ip_addr":                        "resolves names through the host's DNS",
		"net.cidr_contains":                         "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_contains_matches":                 "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_expand":                           "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_intersects":                       "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_is_valid":                         "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_merge":                            "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"net.cidr_overlap":                          "net.* is refused as a family, with net.lookup_ip_addr; no patch rule needs it",
		"opa.runtime":                               "returns the process's environment variables and configuration",
		"providers.aws.sign_req":                    "signs with the current time",
		"time.now_ns":                               "reads the clock",
		"rand.intn":                                 "draws random numbers",
		"uuid.rfc4122":                              "draws random numbers",
		"json.match_schema":                         "resolves a schema's $ref over HTTP and from local files (file://)",
		"json.verify_schema":                        "resolves a schema's $ref over HTTP and from local files (file://)",
		"io.jwt.decode_verify":                      "reads the clock when the constraints carry no time",
		"io.jwt.encode_sign":                        "draws random numbers for ECDSA and RSA-PSS signatures",
		"io.jwt.encode_sign_raw":                    "draws random numbers for ECDSA and RSA-PSS signatures",
		"crypto.x509.parse_and_verify_certificates": "checks validity against the clock",
		"crypto.x509.parse_and_verify_certificates_with_options": "checks validity against the clock unless CurrentTime is given",
	}
	// Allowed built-ins, each read in OPA's source (v1/topdown): they compute
	// from their arguments only. The notes say what else a result can
	// depend on, none of it chosen by a policy.
	const tzNote = "a time zone argument is looked up in the host's time zone database (names only, never a path; \"Local\" is the host's zone)"
	notes := map[string]string{
		"time.add_date": tzNote, "time.clock": tzNote, "time.date": tzNote, "time.diff": tzNote,
		"time.format": tzNote, "time.weekday": tzNote,
		"time.parse_ns":           "a zone abbreviation in the value is read against the host's local time zone",
		"print":                   "compiled out of lint runs; verify captures it in test results",
		"internal.print":          "compiled out of lint runs; verify captures it in test results",
		"trace":                   "writes to a tracer only, and patchcheck installs none",
		"numbers.range":           "stops when the evaluation is cancelled (--timeout)",
		"numbers.range_step":      "stops when the evaluation is cancelled (--timeout)",
		"rego.metadata.chain":     "reads the policy's own METADATA",
		"rego.metadata.rule":      "reads the policy's own METADATA",
		"strings.render_template": "text/template without functions",
	}
	allowed := []string{
		// operators, comparison, types
		"abs", "all", "and", "any", "assign", "ceil", "div", "eq", "equal", "floor", "gt", "gte",
		"internal.member_2", "internal.member_3", "intersection", "lt", "lte", "max", "min", "minus",
		"mul", "neq", "or", "plus", "product", "rem", "round", "sum", "union", "set_diff",
		"count", "sort", "to_number", "type_name", "format_int",
		"is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string",
		"cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string",
		"bits.and", "bits.lsh", "bits.negate", "bits.or", "bits.rsh", "bits.xor",
		"numbers.range", "numbers.range_step",
		// arrays, objects, graphs
		"array.concat", "array.flatten", "array.reverse", "array.slice",
		"object.filter", "object.get", "object.keys", "object.remove", "object.subset", "object.union", "object.union_n",
		"graph.reachable", "graph.reachable_paths", "walk",
		// strings
		"concat", "contains", "endswith", "indexof", "indexof_n", "lower", "replace", "split", "sprintf",
		"startswith", "substring", "trim", "trim_left", "trim_prefix", "trim_right", "trim_space",
		"trim_suffix", "upper", "strings.any_prefix_match", "strings.any_suffix_match", "strings.count",
		"strings.render_template", "strings.replace_n", "strings.reverse", "strings.split_n",
		"internal.template_string",
		// regular expressions and globs (RE2: linear time)
		"re_match", "regex.find_all_string_submatch_n", "regex.find_n", "regex.globs_match", "regex.is_valid",
		"regex.match", "regex.replace", "regex.split", "regex.template_match", "glob.match", "glob.quote_meta",
		// encodings
		"base64.decode", "base64.encode", "base64.is_valid", "base64url.decode", "base64url.encode",
		"base64url.encode_no_pad", "hex.decode", "hex.encode", "json.filter", "json.is_valid", "json.marshal",
		"json.marshal_with_options", "json.patch", "json.remove", "json.unmarshal", "yaml.is_valid",
		"yaml.marshal", "yaml.unmarshal", "urlquery.decode", "urlquery.decode_object", "urlquery.encode",
		"urlquery.encode_object", "uri.is_valid", "uri.parse", "units.parse", "units.parse_bytes",
		"semver.compare", "semver.is_valid", "uuid.parse",
		"graphql.is_valid", "graphql.parse", "graphql.parse_and_verify", "graphql.parse_query",
		"graphql.parse_schema", "graphql.schema_is_valid",
		// hashes, keys and tokens that need no clock and no randomness
		"crypto.hmac.equal", "crypto.hmac.md5", "crypto.hmac.sha1", "crypto.hmac.sha256", "crypto.hmac.sha512",
		"crypto.md5", "crypto.sha1", "crypto.sha256", "crypto.parse_private_keys",
		"crypto.x509.parse_certificate_request", "crypto.x509.parse_certificates", "crypto.x509.parse_keypair",
		"crypto.x509.parse_rsa_private_key",
		"io.jwt.decode", "io.jwt.verify_eddsa", "io.jwt.verify_es256", "io.jwt.verify_es384", "io.jwt.verify_es512",
		"io.jwt.verify_hs256", "io.jwt.verify_hs384", "io.jwt.verify_hs512", "io.jwt.verify_ps256",
		"io.jwt.verify_ps384", "io.jwt.verify_ps512", "io.jwt.verify_rs256", "io.jwt.verify_rs384",
		"io.jwt.verify_rs512",
		// time from arguments (never the clock)
		"time.add_date", "time.clock", "time.date", "time.diff", "time.format", "time.parse_duration_ns",
		"time.parse_ns", "time.parse_rfc3339_ns", "time.weekday",
		// Rego itself
		"rego.metadata.chain", "rego.metadata.rule", "rego.parse_module", "internal.test_case",
		"print", "internal.print", "trace",
	}
	out := make(map[string]Review, len(refused)+len(allowed))
	for name, why := range refused {
		out[name] = Review{Why: why}
	}
	for _, name := range allowed {
		out[name] = Review{Allowed: true, Why: notes[name]}
	}
	return out
}
