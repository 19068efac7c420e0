package reference

import (
	"fmt"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// reason says what kept an eligible VM from being patched by the deadline:
// only what happened to this VM, never another VM's delay.
func (m *model) reason(tr *trial, s *vmState, o *outcome, phase int) string {
	st := m.req.Fleet.Settings
	switch {
	case o.notStarted >= 0:
		h := tr.phases[o.notStarted]
		return fmt.Sprintf("phase %d never started: phase %d halted (%d of its %d patched VMs unhealthy, above the %g%% health threshold) and the rollout stays halted for the month",
			phase, o.notStarted, h.Unhealthy, h.Patched, 100*st.HealthThreshold)
	case o.notStarted == phaseAfterHorizon:
		return fmt.Sprintf("phase %d would start after day %d, the end of the simulated period", phase, 2*st.DeadlineDays)
	case !o.end.IsZero():
		return fmt.Sprintf("patched on day %.1f, after the %d-day deadline: %s", m.day(o.end), st.DeadlineDays, m.why(tr, s, o, phase))
	case s.enabledAt.IsZero():
		got := s.clock.doWork(m.release, hours(float64(st.EnablementMinutes)/60), m.deadline, nil).done
		return fmt.Sprintf("enablement never finishes: it needs %d minutes of off-peak time while the VM is on, and the VM gives %d minutes before the deadline",
			st.EnablementMinutes, int(got.Minutes()))
	case !o.stalled.IsZero():
		return fmt.Sprintf("the install (%d minutes of work) began on day %.1f and had %d minutes done at the deadline: the off-peak windows while the VM is on are shorter than the work left",
			max(s.vm.InstallMinutes, 1), m.day(o.stalled), int(o.doneBy.Minutes()))
	case o.failed > 0:
		return fmt.Sprintf("still retrying a failing install: %d attempts failed (failureProbability %g)", o.failed, s.vm.FailureProbability)
	case o.missed == missedOff:
		return fmt.Sprintf("powered off during every off-peak window from its turn on %s to the deadline", o.turn.UTC().Format(time.DateOnly))
	case o.missed == missedEnablement:
		return fmt.Sprintf("enablement finished on day %.1f, after its turn, and the VM was not on at a later periodic assessment before the deadline", m.day(s.enabledAt))
	case o.missed == missedPhaseOver:
		return fmt.Sprintf("its group's turn came after phase %d's %g hours, and the VM was not on at a later periodic assessment before the deadline", phase, st.PhaseHours)
	}
	return "not reached by the rollout"
}

// why explains a late install.
func (m *model) why(tr *trial, s *vmState, o *outcome, phase int) string {
	var parts []string
	if o.catchUp {
		switch o.missed {
		case missedOff:
			parts = append(parts, fmt.Sprintf("it was off in its turn on %s and caught up at a later periodic assessment", o.turn.UTC().Format(time.DateOnly)))
		case missedEnablement:
			parts = append(parts, fmt.Sprintf("its enablement finished on day %.1f, after its turn", m.day(s.enabledAt)))
		case missedPhaseOver:
			parts = append(parts, fmt.Sprintf("its group's turn came after phase %d's %g hours", phase, m.req.Fleet.Settings.PhaseHours))
		}
	}
	if o.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed attempts were retried in later windows", o.failed))
	}
	if o.windows > 1 {
		parts = append(parts, fmt.Sprintf("the install took %d off-peak windows", o.windows))
	}
	if len(parts) == 0 {
		if p := tr.phases[phase]; p.Start != nil {
			parts = append(parts, fmt.Sprintf("its phase %d started on day %.1f", phase, m.day(*p.Start)))
		}
	}
	return strings.Join(parts, "; ")
}

// day is t in days after the release, rounded to hundredths.
func (m *model) day(t time.Time) float64 {
	return float64(int64(t.Sub(m.release).Hours()/24*100+0.5)) / 100
}

// assumptions echoes what the forecast assumed.
func (m *model) assumptions() *simulator.Assumptions {
	a := &simulator.Assumptions{
		Profile: m.req.Profile, Plan: simulator.PlanAzureDefault,
		DefaultOffPeak: m.req.Fleet.DefaultOffPeak, Settings: m.req.Fleet.Settings,
	}
	if len(m.req.Fleet.Phases) > 0 {
		a.Plan = simulator.PlanExplicit
	}
	return a
}
