package patchcheck.rules.pc006_test

import data.patchcheck.rules.pc006
import data.patchcheck.test.fixtures as fx

agent(version) := fx.with_(fx.linux_vm, {"agentVersion": fx.fact(version)})

test_old_agents_denied if {
	every v in ["2.2.47", "2.2.52.9", "1.9", "2.2.53.0", "2.2", "not-a-version"] {
		count(pc006.deny) == 1 with input as fx.seed(agent(v))
	}
}

test_current_agents_ok if {
	every v in ["2.2.53.1", "2.2.53.2", "2.2.54", "2.3", "2.10.0.8", "3"] {
		count(pc006.deny) == 0 with input as fx.current(agent(v))
	}
}

test_windows_and_unknown_agent_not_judged if {
	count(pc006.deny) == 0 with input as fx.seed(fx.with_(fx.windows_vm, {"agentVersion": fx.fact("2.2.47")}))
	count(pc006.deny) == 0 with input as fx.seed(fx.linux_vm)
}
