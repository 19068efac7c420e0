package checker

import (
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// baseline is what is deployed today, by lower-case VM name.
type baseline map[string]*model.Baseline

// loadBaseline reads every VM of the --baseline files and folders. Any file
// that cannot be read or understood is an error: judging changes against a
// partial baseline would pass changes it cannot see.
func loadBaseline(a *arm.Adapter, paths []string, maxSize int64) (baseline, error) {
	b := baseline{}
	for _, in := range Discover(paths) {
		if in.Err != nil {
			return nil, fmt.Errorf("baseline %s: %w", in.Path, in.Err)
		}
		data, err := readFile(in.Path, maxSize)
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		doc, err := jsonpos.Parse(in.Path, data)
		if err != nil {
			return nil, fmt.Errorf("baseline %w", err)
		}
		vms, err := a.ExtractDeployed(doc)
		if err != nil {
			return nil, fmt.Errorf("baseline %s: %w", in.Path, err)
		}
		if len(vms) == 0 {
			if kind, _ := arm.Classify(doc); kind == arm.Parameters || !in.Explicit {
				continue
			}
			return nil, fmt.Errorf("baseline %s: no virtual machine or scale set found (expected az vm list/show output, REST bodies, instance views or a template)", in.Path)
		}
		for _, vm := range vms {
			f := vm.Facts
			// VMs are matched by name: two deployed VMs of one name would
			// make the judgement depend on which came last.
			if prev, dup := b[strings.ToLower(f.Name)]; dup {
				return nil, fmt.Errorf("baseline %s: VM %s is already in the baseline at %s; changes are matched by VM name, so give one baseline per VM name (e.g. one resource group at a time)",
					f.Loc.In(in.Path), clip(f.Name), prev.Where.Position)
			}
			b[strings.ToLower(f.Name)] = &model.Baseline{
				PatchMode: f.PatchMode, EnableAutomaticUpdates: f.EnableAutomaticUpdates, OS: f.OS.Value,
				Where: model.Related{Position: f.Loc.In(in.Path), Pointer: f.Loc.Pointer,
					Message: fmt.Sprintf("%s as deployed today (patchMode %v, enableAutomaticUpdates %v)", clip(f.Name), clipValue(show(f.PatchMode)), show(f.EnableAutomaticUpdates))},
			}
		}
	}
	return b, nil
}

func show(f model.Fact) any {
	if f.Known() {
		return f.Value
	}
	return f.State
}
