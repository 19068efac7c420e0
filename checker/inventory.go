package checker

import (
	"context"
	"fmt"

	"github.com/patchcheck/patchcheck/checker/arm"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/tfplan"
)

// Inventory returns the normalised facts of every VM in the inputs, without
// evaluating rules: what `fleet init` turns into a fleet file. Inputs that
// cannot be read or are not templates are returned as errors.
func (l *Linter) Inventory(ctx context.Context, inputs []Input) ([]model.VM, []error) {
	w := &worker{params: newParameterFinder(l.opts.Parameters, nil)}
	var vms []model.VM
	var errs []error
	for _, in := range inputs {
		if in.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, in.Err))
			continue
		}
		var data []byte
		var err error
		if isBicep(in.Path) {
			data, err = compileBicep(ctx, in.Path)
		} else {
			data, err = w.read(in.Path)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, err))
			continue
		}
		doc, err := w.parser.Parse(in.Path, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch kind, _ := arm.Classify(doc); {
		case tfplan.Detect(doc):
			facts, err := tfplan.Extract(doc, data)
			if err != nil {
				errs = append(errs, err)
			}
			vms = append(vms, facts...)
		case kind == arm.Template:
			params, _, err := w.params.find(in)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", in.Path, err))
				continue
			}
			for _, vm := range l.adapter.Extract(doc, params...) {
				vms = append(vms, vm.Facts)
			}
		case kind == arm.REST:
			for _, vm := range l.adapter.ExtractREST(doc) {
				vms = append(vms, vm.Facts)
			}
		}
	}
	return vms, errs
}
