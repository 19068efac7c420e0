package checker

import (
	"context"
	"errors"
	"fmt"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// Inventory returns the normalised facts of every VM in the inputs, without
// evaluating rules: what `fleet init` turns into a fleet file. It reads
// every shape lint reads, the same way (parameter files, --input, Bicep).
// Inputs that cannot be read or parsed, and explicitly named files that are
// not templates, are returned as errors; parameter files and non-templates
// found by walking a folder are passed over, as lint skips them.
func (l *Linter) Inventory(ctx context.Context, inputs []Input) ([]model.VM, []error) {
	w := &worker{params: newParameterFinder(l.opts.Parameters, nil, l.opts.MaxFileSize), maxSize: l.opts.MaxFileSize}
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
			data, err = l.compileBicep(ctx, in.Path)
		} else {
			data, err = w.read(in.Path)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, err))
			continue
		}
		x, err := l.extract(w, in, data)
		var syntax *jsonpos.SyntaxError
		var whatIf *arm.WhatIfError
		switch {
		case errors.As(err, &syntax), errors.As(err, &whatIf):
			errs = append(errs, err) // already file:line:column
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, err))
			continue
		}
		vms = append(vms, x.facts...)
		for _, vm := range x.vms {
			vms = append(vms, vm.Facts)
		}
	}
	return vms, errs
}
