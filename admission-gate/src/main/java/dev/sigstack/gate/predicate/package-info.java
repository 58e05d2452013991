/**
 * Predicate policies of ClusterImagePolicy ({@code spec.policy} and {@code attestations[].policy}).
 *
 * <ul>
 *   <li>{@code type: cue}: a documented subset of CUE (https://cuelang.org/docs/reference/spec/) evaluated with the
 *       semantics cosign uses ({@code cuejson.Validate}: the policy is unified with the JSON document; a conflict
 *       fails, a constraint on a field the document lacks does not): structs and field chains, quoted labels,
 *       concrete values, {@code =~} / {@code !~}, bounds {@code < <= > >= !=}, disjunctions {@code |} with
 *       {@code *} defaults, conjunctions {@code &}, basic types, open and closed lists, references to other fields
 *       and {@code time.Parse(time.RFC3339, "...")}.</li>
 *   <li>{@code type: cel}: a Common Expression Language (https://github.com/google/cel-spec) expression that must
 *       evaluate to {@code true}; a documented extension of this gate.</li>
 *   <li>{@code type: rego}: refused when the policy is loaded.</li>
 * </ul>
 */
package dev.sigstack.gate.predicate;
