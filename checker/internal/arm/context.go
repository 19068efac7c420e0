package arm

import (
	"fmt"
	"sort"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// Context is what the user told patchcheck of the deployment (--context,
// context: in .patchcheck.yaml): the value of each deployment context
// function, the given properties over the shape ARM gives the function's
// object, so a property not given stays an unknown leaf that says so.
type Context struct {
	values map[string]any // lower-case function name -> value
}

// NewContext builds a Context from given: function name (subscription,
// resourceGroup, deployment, environment, tenant, managementGroup, in any
// case) -> its properties, plain JSON values. source names where they came
// from, for the reason of what stays unknown ("the context file ctx.yaml").
// Properties ARM derives from others are derived when not given:
// subscription().id, resourceGroup().id, tenant().id and
// managementGroup().id, and the tenant ID between subscription() and
// tenant().
func NewContext(given map[string]any, source string) (*Context, error) {
	c := &Context{values: map[string]any{}}
	why := source + " does not give it"
	for _, fn := range []string{"subscription", "resourcegroup", "deployment", "environment", "tenant", "managementgroup"} {
		c.values[fn] = armexpr.DefaultContext(fn, why)
	}
	for name, v := range given {
		fn := strings.ToLower(name)
		shape := armexpr.ContextShape(fn)
		if shape == nil {
			return nil, fmt.Errorf("%s: %q is not a deployment context function: want subscription, resourceGroup, deployment, environment, tenant or managementGroup", source, name)
		}
		props, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %s must be an object of properties", source, name)
		}
		c.values[fn] = merge(c.values[fn].(map[string]any), props)
	}
	c.derive()
	return c, nil
}

// merge lays given over the default object: keys matched without case, as
// ARM reads them, and spelled as ARM does; nested objects merged.
func merge(def map[string]any, given map[string]any) map[string]any {
	out := make(map[string]any, len(def)+len(given))
	for k, v := range def {
		out[k] = v
	}
	keys := make([]string, 0, len(given))
	for k := range given {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		for dk := range def {
			if strings.EqualFold(dk, k) {
				name = dk
			}
		}
		inner, isObj := given[k].(map[string]any)
		if d, ok := out[name].(map[string]any); ok && isObj {
			out[name] = merge(d, inner)
			continue
		}
		out[name] = given[k]
	}
	return out
}

// derive fills the properties ARM computes from others, where they are
// still unknown and what they come from is known.
func (c *Context) derive() {
	str := func(fn, key string) (string, bool) {
		obj, _ := c.values[fn].(map[string]any)
		s, ok := obj[key].(string)
		return s, ok && s != ""
	}
	set := func(fn, key, value string) {
		obj, ok := c.values[fn].(map[string]any)
		if !ok {
			return
		}
		if _, unknown := obj[key].(armexpr.Unknown); unknown {
			obj[key] = value
		}
	}
	if id, ok := str("tenant", "tenantId"); ok {
		set("subscription", "tenantId", id)
	}
	if id, ok := str("subscription", "tenantId"); ok {
		set("tenant", "tenantId", id)
	}
	if id, ok := str("tenant", "tenantId"); ok {
		set("tenant", "id", "/tenants/"+id)
	}
	sub, hasSub := str("subscription", "subscriptionId")
	if hasSub {
		set("subscription", "id", "/subscriptions/"+sub)
	}
	if rg, ok := str("resourcegroup", "name"); ok && hasSub {
		set("resourcegroup", "id", "/subscriptions/"+sub+"/resourceGroups/"+rg)
	}
	if mg, ok := str("managementgroup", "name"); ok {
		set("managementgroup", "id", "/providers/Microsoft.Management/managementGroups/"+mg)
	}
}

// WithContext returns an adapter that evaluates deployment context
// functions with c (nil: nothing is known of the deployment).
func (a *Adapter) WithContext(c *Context) *Adapter {
	out := *a
	out.context = c
	return &out
}

// contextValues is the context of a template deployed as given.
func (c *Context) contextValues() map[string]any {
	if c == nil {
		return nil
	}
	return c.values
}

// Context implements armexpr.ContextScope.
func (s *scope) Context(function string) any {
	return s.context[function]
}

// Budget implements armexpr.BudgetScope: a template's expressions share
// one budget, nested templates included.
func (s *scope) Budget() *armexpr.Budget { return s.budget }

// nestedContext is the deployment context inside an inline nested
// deployment evaluated in its own (inner) scope: deployment() is that
// deployment, and resourceGroup() and subscription() are its target's when
// it names one.
func nestedContext(outer map[string]any, deployment *jsonpos.Value, name string) map[string]any {
	name = model.Clip(name)
	out := make(map[string]any, len(outer)+1)
	for k, v := range outer {
		out[k] = v
	}
	out["deployment"] = armexpr.DefaultContext("deployment", fmt.Sprintf("it describes the nested deployment %q", name))
	if deployment.Get("subscriptionId") != nil {
		out["subscription"] = armexpr.DefaultContext("subscription", fmt.Sprintf("the nested deployment %q deploys to another subscription", name))
		out["resourcegroup"] = armexpr.DefaultContext("resourcegroup", fmt.Sprintf("the nested deployment %q deploys to another subscription", name))
	} else if deployment.Get("resourceGroup") != nil {
		out["resourcegroup"] = armexpr.DefaultContext("resourcegroup", fmt.Sprintf("the nested deployment %q deploys to another resource group", name))
	}
	return out
}
