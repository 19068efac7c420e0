package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/model"
)

func InputValue(profile string, vm *model.VM) ast.Value { return inputValue(profile, vm) }
