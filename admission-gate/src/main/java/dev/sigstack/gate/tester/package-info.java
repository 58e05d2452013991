/**
 * The policy tester: the webhook's engine run from the command line without an API server, like
 * policy-controller's {@code policy-tester}.
 */
package dev.sigstack.gate.tester;
