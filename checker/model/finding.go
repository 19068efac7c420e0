package model

// Severity of a finding, in increasing order of weight.
type Severity string

const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Rank orders severities (info < warning < error); unknown severities rank 0.
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 1
	case Warning:
		return 2
	case Error:
		return 3
	}
	return 0
}

// Finding is one rule violation, pinned to a file position.
type Finding struct {
	RuleID      string   `json:"ruleId"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation"`
	// Position is where the finding is: the members "file", "line" and
	// "column" in JSON.
	Position
	// EndColumn is the column after the finding's text on its line (the
	// property's name, and its value when that is a scalar on the same
	// line), for formats that mark a range (SARIF); 0 when unknown.
	EndColumn       int    `json:"-"`
	Pointer         string `json:"pointer"`
	Resource        string `json:"resource"`
	ResourceType    string `json:"resourceType"`
	ResourcePointer string `json:"resourcePointer"`
	// Related are the places that supplied the value the finding is about
	// (a parameter file's line, a parameter's default, a variable).
	Related []Related `json:"related,omitempty"`
	// Via are the deployments through which File was reached, outermost
	// first, when File is a template linked from the input rather than
	// the input itself.
	Via []Related `json:"via,omitempty"`
	// Passed is whether the VM reached through Via took a value its
	// deployment passed; when it did not, the finding is the one File's
	// own check gives, and a report lists it once.
	Passed bool `json:"-"`
	// Suppression, when set, is the waiver that accepts this finding: it is
	// reported but does not fail the run.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppression is a waiver applied to a finding.
type Suppression struct {
	Kind    string `json:"kind"` // inSource (on the resource) or external (configuration)
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
	Where   string `json:"where"` // file:line:column of the waiver
}

// Rule is one catalog entry, read from a rule's METADATA annotation.
type Rule struct {
	ID          string   `json:"id"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	Package     string   `json:"package"`
	// Applies names the input the rule needs (custom.applies: patchStatus,
	// baseline, …); the rule is only evaluated for VMs that have it.
	Applies string `json:"applies,omitempty"`
	// Builtin is whether the rule is one of patchcheck's own (documented
	// in docs/rules.md), not one of a --policy folder.
	Builtin bool `json:"-"`
	// Reads lists the members of input.vm the rule reads (custom.reads);
	// nil means all of them. The rule is given only those, and its results
	// are reused for every VM equal in them.
	Reads []string `json:"-"`
}
