package checker

import (
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/model"
)

// maxDeletedListed is how many deleted resources a what-if file's note
// names; the count says how many there are.
const maxDeletedListed = 3

// whatIfFindings completes the findings of a what-if result: each finding
// on a VM's after state names the change (the resource is its ID), and each
// change whose VM could not be checked is a PC011, never a silent pass. An
// Ignore of a VM that exists, with no reason from Azure, is the usual
// "not in this template" of an incremental deployment: it is listed as
// info, so that every existing VM of a resource group does not fail the
// gate.
func (l *Linter) whatIfFindings(file string, findings []model.Finding, vms []arm.VM, unchecked []arm.WhatIfChange) []model.Finding {
	byPointer := make(map[string]*arm.WhatIfChange, len(vms))
	for i := range vms {
		if c := vms[i].Change; c != nil {
			byPointer[vms[i].Facts.Loc.Pointer] = c
		}
	}
	for i := range findings {
		if c, ok := byPointer[findings[i].ResourcePointer]; ok && len(findings[i].Via) == 0 {
			findings[i].Message += " (" + c.Label() + ")"
		}
	}
	if len(unchecked) == 0 {
		return findings
	}
	rule, _ := l.engine.Rule("PC011") // built in: its ID is reserved
	for _, c := range unchecked {
		sev := rule.Severity
		if c.Minor {
			sev = model.Info
		}
		findings = append(findings, model.Finding{
			RuleID: rule.ID, Severity: sev, Title: rule.Title, Remediation: whatIfRemediation,
			Message: fmt.Sprintf("%s %s was not checked, so its patch settings after the deployment are unknown: %s",
				resourceWord(c.Type), c.ResourceID, c.NotChecked),
			Position: c.Loc.In(file), Pointer: c.Loc.Pointer,
			Resource: c.ResourceID, ResourceType: c.Type, ResourcePointer: c.Pointer,
		})
	}
	return findings
}

// whatIfRemediation is the fix hint of a what-if change that could not be
// checked: PC011's own speaks of template values, and here Azure did the
// evaluating.
const whatIfRemediation = "Check this VM's patch settings by hand, or lint the template that deploys it; a what-if run with the default --result-format FullResourcePayloads gives the after state patchcheck checks."

// whatIfNote lists, for the file's entry, the VMs and scale sets the
// deployment deletes: nothing is left of them to check.
func whatIfNote(deleted []arm.WhatIfChange) string {
	if len(deleted) == 0 {
		return ""
	}
	ids := make([]string, 0, maxDeletedListed+1)
	for _, c := range deleted[:min(len(deleted), maxDeletedListed)] {
		ids = append(ids, clip(c.ResourceID))
	}
	if n := len(deleted) - maxDeletedListed; n > 0 {
		ids = append(ids, fmt.Sprintf("and %d more", n))
	}
	what := "VM or scale set"
	if len(deleted) > 1 {
		what = "VMs or scale sets"
	}
	return fmt.Sprintf("what-if deletes %d %s, not checked: %s", len(deleted), what, strings.Join(ids, ", "))
}

// resourceWord names a resource type in a message.
func resourceWord(typ string) string {
	if strings.EqualFold(typ, "Microsoft.Compute/virtualMachineScaleSets") {
		return "scale set"
	}
	return "virtual machine"
}
