package main

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen holds the state for generating one file.
type gen struct {
	r         *rand.Rand
	idx       int
	paramFile bool
	commented bool
	oddCase   bool
	st        style
	baseName  string
	pads      pads
	top       *tctx
}

// tctx is the state of one template (the file itself or an inline nested one).
type tctx struct {
	params, vars, outputs *Obj
	ownParams             bool
	symbolic              bool
	res                   []resEntry
	names                 map[string]int
	depth                 int
	vnet                  *vnetInfo
	nsg                   *resRef
	avset                 *resRef
	storage               *resRef
	vms                   []resRef
	lb                    *resRef
	locStyle              int
	env                   string
	subscription          bool
}

type resEntry struct {
	sym string
	o   *Obj
}

// resRef is a way to refer to a resource declared in the same template.
type resRef struct {
	typ     string
	inner   string // name as an expression usable inside another expression
	sym     string // symbolic name (languageVersion 2.0)
	role    string
	windows bool
	nic     string // for VMs: the NIC's name expression
}

type vnetInfo struct {
	ref     resRef
	subnets []string
}

// Containers that padding may grow; each records how to make its next item.
type pads struct {
	nsgRules  []*ruleList
	subnets   []*subnetList
	ipConfigs []*ipList
	childRes  []*childList
	tags      []*Obj
}

type ruleList struct {
	a    *Arr
	prio int
	n    int
}

type subnetList struct {
	a      *Arr
	octet  int
	n      int
	nsgRef string
}

type ipList struct {
	a         *Arr
	n         int
	subnetRef string
}

type childList struct {
	a       *Arr
	windows bool
	vm      resRef
	used    map[string]bool
	api     string
}

func newCtx(depth int, symbolic bool) *tctx {
	return &tctx{
		params: obj(), vars: obj(), outputs: obj(), ownParams: true,
		symbolic: symbolic, names: map[string]int{}, depth: depth,
	}
}

// uniq returns base, or base with a numeric suffix when base was taken.
func (c *tctx) uniq(base string) string {
	n := c.names[base]
	c.names[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s%d", base, n+1)
}

func (c *tctx) symName(base string) string { return c.uniq("sym:" + base)[4:] }

func (c *tctx) addRes(sym string, o *Obj) {
	c.res = append(c.res, resEntry{sym: sym, o: o})
}

// ref returns a dependsOn entry for r.
func (c *tctx) ref(r resRef) string {
	if c.symbolic && r.sym != "" {
		return r.sym
	}
	return fmt.Sprintf("[resourceId('%s', %s)]", r.typ, r.inner)
}

// id returns an expression (without brackets) for the resource id of r.
func (c *tctx) id(r resRef) string {
	return fmt.Sprintf("resourceId('%s', %s)", r.typ, r.inner)
}

// p declares parameter name (if needed) and returns "[parameters('name')]".
func (g *gen) p(c *tctx, name string) string { return "[" + g.pp(c, name) + "]" }

// pp is like p but returns the inner expression "parameters('name')".
func (g *gen) pp(c *tctx, name string) string {
	if !c.params.has(name) {
		c.params.set(name, g.paramDef(c, name))
	}
	return fmt.Sprintf("parameters('%s')", name)
}

// v declares variable name with value val (if needed) and returns the inner expression.
func (g *gen) vv(c *tctx, name string, val any) string {
	if !c.vars.has(name) {
		c.vars.set(name, val)
	}
	return fmt.Sprintf("variables('%s')", name)
}

// k returns property name as is, or with odd casing in files that use it.
func (g *gen) k(name string) string {
	if !g.oddCase || !g.chance(0.35) {
		return name
	}
	if alt, ok := oddKeys[name]; ok {
		return alt
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

var oddKeys = map[string]string{
	"osProfile":              "OsProfile",
	"windowsConfiguration":   "WindowsConfiguration",
	"linuxConfiguration":     "linuxconfiguration",
	"patchSettings":          "PatchSettings",
	"patchMode":              "patchmode",
	"assessmentMode":         "AssessmentMode",
	"enableAutomaticUpdates": "EnableAutomaticUpdates",
	"provisionVMAgent":       "provisionVmAgent",
	"storageProfile":         "StorageProfile",
	"imageReference":         "ImageReference",
	"publisher":              "Publisher",
	"offer":                  "Offer",
	"sku":                    "SKU",
	"osDisk":                 "OSDisk",
	"osType":                 "OSType",
	"virtualMachineProfile":  "VirtualMachineProfile",
	"properties":             "Properties",
}

// typ returns a resource type, with odd casing in files that use it.
func (g *gen) typ(t string) string {
	if !g.oddCase || !g.chance(0.4) {
		return t
	}
	prov, rest, _ := strings.Cut(t, "/")
	switch g.r.IntN(4) {
	case 0:
		return strings.ToLower(t)
	case 1:
		return strings.ToLower(prov) + "/" + strings.ToUpper(rest[:1]) + rest[1:]
	case 2:
		return prov + "/" + strings.ToUpper(rest[:1]) + rest[1:]
	default:
		return strings.ToUpper(prov) + "/" + rest
	}
}

// api draws an apiVersion from list, biased towards newer versions.
func (g *gen) api(list []string) string {
	u := g.r.Float64()
	i := len(list) - 1 - int(float64(len(list))*u*u)
	return list[max(i, 0)]
}

func (g *gen) guid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (g *gen) sshKey() string {
	b := make([]byte, 279)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(b) + " " + pick(g, []string{"azureuser@build01", "ops@contoso", "generated-by-azure", "deploy@pipeline"})
}

func (g *gen) subID() string { return g.guid() }

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// cmt attaches a leading comment to o's last field in commented files.
func (g *gen) cmt(o *Obj, p float64) {
	if !g.commented || !g.chance(p) {
		return
	}
	if g.chance(0.2) {
		o.comment(pick(g, blockComments))
		o.f[len(o.f)-1].block = true
		return
	}
	o.comment(pick(g, fieldComments))
}

// tcmt attaches a trailing comment to o's last field in commented files.
func (g *gen) tcmt(o *Obj, p float64) {
	if g.commented && g.chance(p) {
		o.trailing(pick(g, trailComments))
	}
}

func (g *gen) headerComment() string {
	nl := g.st.nl
	switch g.r.IntN(3) {
	case 0:
		return "// " + pick(g, resourceGroupComments) + nl + "// Owner: platform team <platform@contoso.com>" + nl
	case 1:
		return "/*" + nl + " * " + capitalize(pick(g, roles)) + " tier deployment." + nl +
			" * Patching: AutomaticByPlatform where the image supports it." + nl +
			" * Do not edit: generated by pipeline (see README.md)." + nl + " */" + nl
	default:
		return "/* " + pick(g, blockComments) + " */" + nl
	}
}

// ---------------------------------------------------------------------------
// Template files

const capSize = maxSize - 512 // leave room for a header comment and a BOM

func (g *gen) templateFile(target int) *Obj {
	g.baseName = pick(g, baseNames)
	for attempt := 0; ; attempt++ {
		g.pads = pads{}
		doc := g.buildTemplate(target, attempt)
		if len(render(doc, g.st)) > capSize {
			continue
		}
		g.pad(doc, target)
		return doc
	}
}

func (g *gen) buildTemplate(target, attempt int) *Obj {
	symbolic := g.chance(0.08)
	subscription := !symbolic && g.chance(0.03)
	c := newCtx(0, symbolic)
	c.env = pick(g, envs)
	c.locStyle = g.r.IntN(10)
	g.top = c
	if g.chance(0.7) {
		g.pp(c, "location")
	}

	maxRes := min(max(target/1800, 1), 20)
	nres := g.between(max(1, maxRes/3), maxRes) >> attempt
	nres = max(nres, 1)

	if subscription {
		g.subscriptionResources(c, nres)
	} else {
		g.fillResources(c, nres, g.chance(0.88))
	}
	schema := "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
	if subscription {
		schema = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
	} else if !symbolic && g.chance(0.2) {
		schema = "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#"
	}
	return g.templateObj(c, schema, true)
}

// fillResources adds about n top-level resources to c.
func (g *gen) fillResources(c *tctx, n int, compute bool) {
	first := true
	for len(c.res) < n {
		budget := n - len(c.res)
		x := g.r.Float64()
		switch {
		case first && compute:
			switch y := g.r.Float64(); {
			case y < 0.62:
				g.vmBundle(c, budget)
			case y < 0.85:
				g.vmssBundle(c, budget)
			case c.depth < 2:
				g.nestedDeployment(c, budget)
			default:
				g.vmBundle(c, budget)
			}
		case first:
			g.networkBundle(c, budget)
		case x < 0.30:
			g.vmBundle(c, budget)
		case x < 0.40:
			g.vmssBundle(c, budget)
		case x < 0.50 && c.depth < 2 && !c.symbolic:
			g.nestedDeployment(c, budget)
		case x < 0.62:
			g.networkBundle(c, budget)
		case x < 0.68:
			g.storageAccount(c)
		case x < 0.74 && len(c.vms) > 0:
			g.maintenance(c, budget)
		case x < 0.78:
			g.availabilitySet(c)
		case x < 0.83:
			g.keyVault(c)
		case x < 0.88:
			g.loadBalancer(c)
		case x < 0.92:
			g.workspace(c)
		case x < 0.96 && len(c.vms) > 0:
			g.topLevelExtension(c, c.vms[g.r.IntN(len(c.vms))])
		default:
			g.managedDisk(c)
		}
		first = false
	}
}

func (g *gen) templateObj(c *tctx, schema string, fileLevel bool) *Obj {
	t := obj()
	t.set("$schema", schema)
	if c.symbolic {
		t.set("languageVersion", "2.0")
	}
	t.set("contentVersion", "1.0.0.0")
	if fileLevel {
		switch x := g.r.Float64(); {
		case x < 0.35:
			t.set("metadata", obj().set("_generator", obj().
				set("name", "bicep").
				set("version", pick(g, []string{"0.24.24.22086", "0.26.54.24096", "0.28.1.47646", "0.30.23.60470"})).
				set("templateHash", fmt.Sprintf("%d", g.r.Uint64()>>1))))
		case x < 0.50:
			t.set("metadata", obj().
				set("description", fmt.Sprintf("Deploys the %s tier (%s) with automatic VM guest patching.", pick(g, roles), c.env)).
				set("author", pick(g, []string{"platform-team", "cloud-ops", "j.doe@contoso.com"})))
		}
	}
	if c.ownParams {
		t.set("parameters", c.params)
	}
	if c.ownParams && (fileLevel || c.vars.len() > 0 || g.chance(0.5)) {
		t.set("variables", c.vars)
	}
	if c.symbolic {
		ro := obj()
		for _, r := range c.res {
			ro.set(r.sym, r.o)
			g.cmt(ro, 0.1)
		}
		t.set("resources", ro)
	} else {
		ra := arr()
		for _, r := range c.res {
			if g.commented && g.chance(0.12) {
				ra.add(commented{lead: pick(g, resourceGroupComments), v: r.o})
			} else {
				ra.add(r.o)
			}
		}
		t.set("resources", ra)
	}
	if fileLevel || c.outputs.len() > 0 {
		t.set("outputs", c.outputs)
	}
	return t
}

// ---------------------------------------------------------------------------
// Padding

type padRec struct {
	a *Arr
	o *Obj
	n int
}

func (g *gen) undo(r padRec) {
	if r.a != nil {
		r.a.a = r.a.a[:r.n]
	} else {
		r.o.f = r.o.f[:r.n]
	}
}

// pad grows doc with realistic content until it renders to at least target
// bytes (and at most capSize).
func (g *gen) pad(doc any, target int) {
	target = min(target, capSize)
	size := len(render(doc, g.st))
	var undo []padRec
	for round := 0; round < 64 && size < target; round++ {
		deficit := target - size
		for deficit > 0 {
			rec, add := g.padOnce()
			if add == 0 {
				break
			}
			undo = append(undo, rec)
			deficit -= add
		}
		size = len(render(doc, g.st))
	}
	for size > capSize && len(undo) > 0 {
		g.undo(undo[len(undo)-1])
		undo = undo[:len(undo)-1]
		size = len(render(doc, g.st))
	}
}

func (g *gen) padOnce() (padRec, int) {
	if g.paramFile {
		return g.padParamFile()
	}
	p := &g.pads
	c := g.top
	for try := 0; try < 20; try++ {
		switch x := g.r.IntN(14); {
		case x < 3 && len(p.nsgRules) > 0:
			l := p.nsgRules[g.r.IntN(len(p.nsgRules))]
			if l.n >= 200 {
				continue
			}
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.nsgRule(l)
			l.a.add(v)
			return rec, renderedLen(v, g.st, 5)
		case x < 5 && len(p.subnets) > 0:
			l := p.subnets[g.r.IntN(len(p.subnets))]
			if l.n >= 120 {
				continue
			}
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.subnet(l)
			l.a.add(v)
			return rec, renderedLen(v, g.st, 5)
		case x < 6 && len(p.ipConfigs) > 0:
			l := p.ipConfigs[g.r.IntN(len(p.ipConfigs))]
			if l.n >= 16 {
				continue
			}
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.ipConfig(l)
			l.a.add(v)
			return rec, renderedLen(v, g.st, 5)
		case x < 8 && len(p.tags) > 0:
			t := p.tags[g.r.IntN(len(p.tags))]
			if t.len() >= 40 {
				continue
			}
			rec := padRec{o: t, n: t.len()}
			key := pick(g, tagKeys)
			for i := 2; t.has(key); i++ {
				key = fmt.Sprintf("%s%d", pick(g, tagKeys), i)
			}
			t.set(key, g.tagValue(key))
			return rec, len(key) + 30
		case x < 9 && len(p.childRes) > 0:
			l := p.childRes[g.r.IntN(len(p.childRes))]
			if len(l.a.a) >= 8 {
				continue
			}
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.childExtension(c, l)
			if v == nil {
				continue
			}
			l.a.add(v)
			return rec, renderedLen(v, g.st, 3)
		case x < 11:
			if c.params.len() >= 200 {
				continue
			}
			rec := padRec{o: c.params, n: c.params.len()}
			name := g.extraParam(c)
			return rec, renderedLen(c.params.get(name), g.st, 2) + len(name) + 4
		case x < 13:
			if c.vars.len() >= 200 {
				continue
			}
			rec := padRec{o: c.vars, n: c.vars.len()}
			name := g.extraVariable(c)
			return rec, renderedLen(c.vars.get(name), g.st, 2) + len(name) + 4
		default:
			if c.outputs.len() >= 60 {
				continue
			}
			rec := padRec{o: c.outputs, n: c.outputs.len()}
			name := g.extraOutput(c)
			return rec, renderedLen(c.outputs.get(name), g.st, 2) + len(name) + 4
		}
	}
	return padRec{}, 0
}

// ---------------------------------------------------------------------------
// Parameter files

func (g *gen) parameterFile(target int) *Obj {
	g.baseName = pick(g, baseNames)
	schema := "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
	if g.chance(0.25) {
		schema = "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#"
	}
	doc := obj().set("$schema", schema).set("contentVersion", "1.0.0.0")
	if g.chance(0.1) {
		doc.set("metadata", obj().set("description", "Values for the "+pick(g, envs)+" environment"))
	}
	ps := obj()
	doc.set("parameters", ps)
	g.top = newCtx(0, false)
	g.top.params = ps
	env := pick(g, envs)
	windows := g.chance(0.55)
	role := pick(g, roles)
	val := func(v any) *Obj { return obj().set("value", v) }

	ps.set("location", val(pick(g, locations)))
	ps.set("vmName", val(fmt.Sprintf("vm-%s-%s-%02d", role, env, g.between(1, 20))))
	g.cmt(ps, 0.2)
	ps.set("vmSize", val(pick(g, vmSizes)))
	ps.set("adminUsername", val(pick(g, []string{"azureadmin", "localadmin", "azureuser", "sysadmin"})))
	if g.chance(0.7) {
		ps.set("adminPassword", obj().set("reference", obj().
			set("keyVault", obj().set("id", fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-kv-%s/providers/Microsoft.KeyVault/vaults/kv-%s-%s", g.subID(), env, role, env))).
			set("secretName", "vm-admin-password")))
	} else if !windows {
		ps.set("sshPublicKey", val(g.sshKey()))
	}
	if g.chance(0.75) {
		pm, ok := g.patchModeValue(g.top, windows, false)
		if !ok {
			pm = "AutomaticByPlatform"
		}
		ps.set(g.k("patchMode"), val(pm))
		g.tcmt(ps, 0.3)
	}
	if windows && g.chance(0.6) {
		ps.set("enableAutomaticUpdates", val(g.chance(0.7)))
	}
	if g.chance(0.3) {
		ps.set("assessmentMode", val(pick(g, []string{"AutomaticByPlatform", "ImageDefault"})))
	}
	if g.chance(0.5) {
		var img image
		if windows {
			img = pickImage(g, supportedImages, true)
		} else {
			img = pickImage(g, supportedImages, false)
		}
		ps.set("imageReference", val(obj().set("publisher", img.pub).set("offer", img.offer).set("sku", img.sku).set("version", "latest")))
	}
	if g.chance(0.4) {
		ps.set("vmCount", val(g.between(1, 12)))
	}
	tags := obj()
	for i, n := 0, g.between(2, 6); i < n; i++ {
		key := tagKeys[(i*7+g.idx)%len(tagKeys)]
		if !tags.has(key) {
			tags.set(key, g.tagValue(key))
		}
	}
	ps.set("tags", val(tags))
	g.pads = pads{tags: []*Obj{tags}}
	if g.chance(0.6) {
		sn := arr()
		ps.set("subnets", val(sn))
		l := &subnetList{a: sn, octet: g.r.IntN(250)}
		g.pads.subnets = append(g.pads.subnets, l)
		for i, n := 0, g.between(1, 3); i < n; i++ {
			sn.add(g.subnet(l))
		}
	}
	if g.chance(0.5) {
		rules := arr()
		ps.set("securityRules", val(rules))
		l := &ruleList{a: rules, prio: 100}
		g.pads.nsgRules = append(g.pads.nsgRules, l)
		for i, n := 0, g.between(1, 4); i < n; i++ {
			rules.add(g.nsgRule(l))
		}
	}
	if g.chance(0.3) {
		dd := arr()
		for i, n := 0, g.between(1, 4); i < n; i++ {
			dd.add(obj().set("lun", i).set("diskSizeGB", pick(g, []int{64, 128, 256, 512, 1024})).set("caching", pick(g, []string{"ReadOnly", "None"})).set("storageAccountType", pick(g, diskTypes)))
		}
		ps.set("dataDisks", val(dd))
	}
	g.pad(doc, target)
	return doc
}

func (g *gen) padParamFile() (padRec, int) {
	p := &g.pads
	ps := g.top.params
	for try := 0; try < 20; try++ {
		switch x := g.r.IntN(6); {
		case x < 2 && len(p.nsgRules) > 0:
			l := p.nsgRules[0]
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.nsgRule(l)
			l.a.add(v)
			return rec, renderedLen(v, g.st, 4)
		case x < 3 && len(p.subnets) > 0:
			l := p.subnets[0]
			if l.n >= 120 {
				continue
			}
			rec := padRec{a: l.a, n: len(l.a.a)}
			v := g.subnet(l)
			l.a.add(v)
			return rec, renderedLen(v, g.st, 4)
		case x < 4 && p.tags[0].len() < 40:
			t := p.tags[0]
			rec := padRec{o: t, n: t.len()}
			key := pick(g, tagKeys)
			for i := 2; t.has(key); i++ {
				key = fmt.Sprintf("%s%d", pick(g, tagKeys), i)
			}
			t.set(key, g.tagValue(key))
			return rec, len(key) + 30
		default:
			if ps.len() >= 200 {
				continue
			}
			rec := padRec{o: ps, n: ps.len()}
			name := g.extraParamValue(ps)
			return rec, renderedLen(ps.get(name), g.st, 2) + len(name) + 4
		}
	}
	return padRec{}, 0
}

func pickImage(g *gen, list []image, windows bool) image {
	for {
		img := pick(g, list)
		if img.windows == windows {
			return img
		}
	}
}
