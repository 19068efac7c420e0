package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/model"
)

// catalog collects every annotation that carries custom.id: the rules.
// Two packages claiming one ID make the second one's ID "DUPLICATE:<id>", so
// CheckMetadata refuses to run with an ambiguous catalog.
func catalog(c *ast.Compiler) []model.Rule {
	byID := map[string]model.Rule{}
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		id, _ := a.Custom["id"].(string)
		if id == "" {
			continue
		}
		sev, _ := a.Custom["severity"].(string)
		fix, _ := a.Custom["remediation"].(string)
		applies, _ := a.Custom["applies"].(string)
		pkg := strings.TrimPrefix(ref.Path.String(), "data.")
		if i := strings.LastIndex(pkg, "."); i > 0 {
			pkg = pkg[:i]
		}
		rule := model.Rule{ID: id, Severity: model.Severity(sev), Title: a.Title, Description: strings.TrimSpace(a.Description), Remediation: fix, Package: pkg, Applies: applies}
		if reads, ok := a.Custom["reads"]; ok {
			rule.Reads = stringList(reads)
		}
		if prev, taken := byID[id]; taken && prev.Package != pkg {
			rule.ID = "DUPLICATE:" + id
			rule.Description = fmt.Sprintf("rule ID %s is used by both %s and %s", id, prev.Package, pkg)
		}
		byID[rule.ID] = rule
	}
	out := make([]model.Rule, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// stringList reads a METADATA list of strings; anything else becomes a
// list holding one impossible name, which the engine refuses.
func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return []string{fmt.Sprintf("%v (not a list)", v)}
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		out = append(out, fmt.Sprint(item))
	}
	return out
}

// CheckMetadata reports rules whose METADATA lacks what findings and the
// catalog need; it runs at start-up and in tests.
func CheckMetadata(rules []model.Rule) error {
	var problems []string
	for _, r := range rules {
		switch {
		case strings.HasPrefix(r.ID, "DUPLICATE:"):
			problems = append(problems, r.Description+"; every rule needs its own ID")
		case r.Title == "", r.Description == "", r.Remediation == "":
			problems = append(problems, fmt.Sprintf("%s: title, description and custom.remediation are required", r.ID))
		case r.Severity.Rank() == 0:
			problems = append(problems, fmt.Sprintf("%s: custom.severity %q is not error, warning or info", r.ID, r.Severity))
		}

	}
	if len(problems) > 0 {
		return fmt.Errorf("rule metadata: %s", strings.Join(problems, "; "))
	}
	return nil
}
