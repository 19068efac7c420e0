package patchcheck.rules.pc022_test

import data.patchcheck.rules.pc022
import data.patchcheck.test.fixtures as fx

test_problem_reported if {
	vm := fx.with_(fx.linux_vm, {"waiverProblems": [{"message": "waiver for PC007 expired on 2026-01-31"}]})
	some f in pc022.deny with input as fx.seed(vm)
	f.at == "waiverProblems/0"
}

test_no_problem_silent if {
	count(pc022.deny) == 0 with input as fx.seed(fx.with_(fx.linux_vm, {"waiverProblems": []}))
}
