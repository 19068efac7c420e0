package main

import (
	"fmt"
	"strings"
)

// nameField turns a name expression into the value of a "name" property:
// 'literal' becomes literal, anything else becomes "[expr]".
func nameField(inner string) string {
	if len(inner) >= 2 && inner[0] == '\'' && inner[len(inner)-1] == '\'' && !strings.Contains(inner[1:len(inner)-1], "'") {
		return inner[1 : len(inner)-1]
	}
	return "[" + inner + "]"
}

func allowed(extra string, vals ...string) *Arr {
	a := arr()
	for _, v := range vals {
		a.add(v)
	}
	for _, v := range vals {
		if v == extra {
			return a
		}
	}
	return a.add(extra)
}

// loc returns a location value; each template mostly sticks to one style.
func (g *gen) loc(c *tctx) string {
	style := c.locStyle
	if g.chance(0.05) {
		style = g.r.IntN(10)
	}
	switch {
	case style < 8:
		return g.p(c, "location")
	case style < 9:
		return "[resourceGroup().location]"
	default:
		return locations[c.depth%len(locations)]
	}
}

func (g *gen) tags(c *tctx, o *Obj) {
	switch x := g.r.Float64(); {
	case x < 0.55:
		t := obj()
		for i, n := 0, g.between(1, 5); i < n; i++ {
			k := pick(g, tagKeys)
			if !t.has(k) {
				t.set(k, g.tagValue(k))
			}
		}
		if g.chance(0.3) {
			t.set("environment", "["+g.pp(c, "environment")+"]")
		}
		o.set("tags", t)
		g.pads.tags = append(g.pads.tags, t)
	case x < 0.85:
		o.set("tags", g.p(c, "tags"))
	}
}

func (g *gen) identity(o *Obj, c *tctx) {
	switch x := g.r.Float64(); {
	case x < 0.2:
		o.set("identity", obj().set("type", "SystemAssigned"))
	case x < 0.3:
		o.set("identity", obj().set("type", "UserAssigned").set("userAssignedIdentities", obj().
			set(fmt.Sprintf("[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', %s)]", g.pp(c, "userAssignedIdentityName")), obj())))
	}
}

// ---------------------------------------------------------------------------
// Virtual machines

func (g *gen) vmBundle(c *tctx, budget int) {
	windows := g.chance(0.55)
	role := pick(g, roles)
	loop := g.chance(0.15)
	var vmInner, nicInner string
	switch x := g.r.Float64(); {
	case loop:
		prefix := g.param(c, c.uniq(role+"VmNamePrefix"), strParam(fmt.Sprintf("vm-%s-%s", role, c.env), "Prefix of the VM names; a running number is appended."))
		vmInner = fmt.Sprintf("format('{0}-{1}', %s, copyIndex(1))", prefix)
		nicInner = fmt.Sprintf("format('{0}-nic-{1}', %s, copyIndex(1))", prefix)
	case x < 0.5:
		vmInner = g.param(c, c.uniq(role+"VmName"), strParam(fmt.Sprintf("vm-%s-%s-%02d", role, c.env, g.between(1, 30)), "Name of the "+role+" virtual machine."))
	case x < 0.75:
		vmInner = g.vv(c, c.uniq(role+"VmName"), fmt.Sprintf("[format('vm-%s-{0}-%02d', %s)]", role, g.between(1, 30), g.pp(c, "environment")))
	default:
		vmInner = fmt.Sprintf("'vm-%s-%s-%02d'", role, c.env, g.between(1, 99))
	}
	if !loop {
		if g.chance(0.5) {
			nicInner = g.vv(c, c.uniq(role+"NicName"), fmt.Sprintf("[format('{0}-nic', %s)]", vmInner))
		} else {
			nicInner = fmt.Sprintf("'nic-%s-%s-%02d'", role, c.env, g.between(1, 99))
		}
	}
	loopName := ""
	if loop {
		loopName = c.uniq(role + "VmLoop")
	}
	used := 0

	// Public IP
	var pip *resRef
	if !loop && budget >= 3 && g.chance(0.3) {
		r := resRef{typ: "Microsoft.Network/publicIPAddresses", inner: fmt.Sprintf("'pip-%s-%s'", role, c.env), sym: c.symName(role + "Pip")}
		g.publicIP(c, r)
		pip = &r
		used++
	}

	// NIC
	subnetID, subnetDep := g.subnetID(c)
	nicRef := resRef{typ: "Microsoft.Network/networkInterfaces", inner: nicInner, sym: c.symName(role + "Nic")}
	nic := obj()
	nic.set("type", g.typ(nicRef.typ)).set("apiVersion", g.api(networkAPIVersions)).set("name", nameField(nicInner)).set("location", g.loc(c))
	g.tags(c, nic)
	if loop {
		nic.set("copy", obj().set("name", c.uniq(role+"NicLoop")).set("count", g.p(c, "vmCount")))
	}
	deps := arr()
	if subnetDep != "" {
		deps.add(subnetDep)
	}
	if pip != nil {
		deps.add(c.ref(*pip))
	}
	if c.nsg != nil && g.chance(0.5) {
		deps.add(c.ref(*c.nsg))
	}
	if len(deps.a) > 0 {
		nic.set("dependsOn", deps)
	}
	ipProps := obj()
	if g.chance(0.3) {
		ipProps.set("privateIPAllocationMethod", "Static").set("privateIPAddress", fmt.Sprintf("10.%d.%d.%d", g.r.IntN(255), g.r.IntN(255), 4+g.r.IntN(250)))
	} else {
		ipProps.set("privateIPAllocationMethod", "Dynamic")
	}
	ipProps.set("subnet", obj().set("id", subnetID))
	if pip != nil {
		ipProps.set("publicIPAddress", obj().set("id", "["+c.id(*pip)+"]"))
	}
	ipProps.set("primary", true)
	ipcs := arr(obj().set("name", "ipconfig1").set("properties", ipProps))
	nprops := obj().set("ipConfigurations", ipcs)
	g.pads.ipConfigs = append(g.pads.ipConfigs, &ipList{a: ipcs, n: 1, subnetRef: subnetID})
	if g.chance(0.5) {
		nprops.set("enableAcceleratedNetworking", g.chance(0.7))
	}
	if c.nsg != nil && g.chance(0.5) {
		nprops.set("networkSecurityGroup", obj().set("id", "["+c.id(*c.nsg)+"]"))
	}
	if g.chance(0.15) {
		nprops.set("dnsSettings", obj().set("dnsServers", arr("10.0.0.4", "10.0.0.5")))
	}
	nic.set("properties", nprops)
	c.addRes(nicRef.sym, nic)
	used++

	// VM
	api := g.api(vmAPIVersions)
	vmRef := resRef{typ: "Microsoft.Compute/virtualMachines", inner: vmInner, sym: c.symName(role + "Vm"), role: role, windows: windows, nic: nicInner}
	vm := obj()
	vm.set("type", g.typ(vmRef.typ)).set("apiVersion", api)
	g.tcmt(vm, 0.1)
	vm.set("name", nameField(vmInner)).set("location", g.loc(c))
	g.tags(c, vm)
	if g.chance(0.2) {
		vm.set("zones", arr(pick(g, []string{"1", "2", "3"})))
	}
	g.identity(vm, c)
	imgRef, img, market := g.imageRef(c, windows)
	if market && img.plan {
		vm.set("plan", obj().set("name", img.sku).set("publisher", img.pub).set("product", img.offer))
	}
	if loop {
		cp := obj().set("name", loopName).set("count", g.p(c, "vmCount"))
		if g.chance(0.3) {
			cp.set("mode", "serial").set("batchSize", g.between(1, 3))
		}
		vm.set("copy", cp)
	}
	vdeps := arr(c.ref(nicRef))
	if c.avset != nil && g.chance(0.6) {
		vdeps.add(c.ref(*c.avset))
	}
	if c.storage != nil && g.chance(0.5) {
		vdeps.add(c.ref(*c.storage))
	}
	vm.set("dependsOn", vdeps)

	props := obj()
	vmSize := any(pick(g, vmSizes))
	if g.chance(0.6) {
		vmSize = g.p(c, "vmSize")
	}
	props.set("hardwareProfile", obj().set("vmSize", vmSize))
	specialized := g.chance(0.03)
	if !specialized {
		var cn string
		switch {
		case loop || g.chance(0.5):
			cn = fmt.Sprintf("[take(%s, 15)]", vmInner)
		default:
			cn = fmt.Sprintf("%s%02d", strings.ToUpper(role), g.between(1, 99))
		}
		props.set(g.k("osProfile"), g.osProfile(c, windows, api, img, "computerName", cn))
		g.cmt(props, 0.15)
	}
	props.set(g.k("storageProfile"), g.storageProfile(c, windows, imgRef, market, specialized, vmInner, false))
	nicEntry := obj().set("id", fmt.Sprintf("[resourceId('Microsoft.Network/networkInterfaces', %s)]", nicInner))
	if g.chance(0.5) {
		np := obj().set("primary", true)
		if api >= "2021-03-01" && g.chance(0.4) {
			np.set("deleteOption", "Delete")
		}
		nicEntry.set("properties", np)
	}
	props.set("networkProfile", obj().set("networkInterfaces", arr(nicEntry)))
	if g.chance(0.6) {
		bd := obj().set("enabled", true)
		if c.storage != nil && g.chance(0.6) {
			bd.set("storageUri", fmt.Sprintf("[reference(%s).primaryEndpoints.blob]", c.id(*c.storage)))
		}
		props.set("diagnosticsProfile", obj().set("bootDiagnostics", bd))
	}
	if api >= "2020-12-01" && g.chance(0.25) {
		if g.chance(0.7) {
			props.set("securityProfile", obj().set("securityType", "TrustedLaunch").set("uefiSettings", obj().set("secureBootEnabled", true).set("vTpmEnabled", true)))
		} else {
			props.set("securityProfile", obj().set("encryptionAtHost", true))
		}
	}
	if c.avset != nil && g.chance(0.6) {
		props.set("availabilitySet", obj().set("id", "["+c.id(*c.avset)+"]"))
	}
	if windows && g.chance(0.2) {
		props.set("licenseType", "Windows_Server")
	}
	if g.chance(0.04) {
		props.set("priority", "Spot").set("evictionPolicy", "Deallocate").set("billingProfile", obj().set("maxPrice", -1))
	}
	vm.set(g.k("properties"), props)

	if !c.symbolic && g.chance(0.35) {
		l := &childList{a: arr(), windows: windows, vm: vmRef, used: map[string]bool{}, api: api}
		for i, n := 0, g.between(1, 2); i < n; i++ {
			if e := g.childExtension(c, l); e != nil {
				l.a.add(e)
			}
		}
		vm.set("resources", l.a)
		g.pads.childRes = append(g.pads.childRes, l)
	}
	c.addRes(vmRef.sym, vm)
	used++
	if !loop {
		c.vms = append(c.vms, vmRef)
		if g.chance(0.5) {
			c.outputs.set(c.uniq(role+"VmId"), obj().set("type", "string").set("value", "["+c.id(vmRef)+"]"))
		}
		if budget-used > 0 && g.chance(0.25) {
			g.topLevelExtension(c, vmRef)
		}
	} else if g.chance(0.5) {
		c.outputs.set(c.uniq(role+"VmNames"), obj().set("type", "array").
			set("copy", obj().set("count", g.p(c, "vmCount")).
				set("input", strings.ReplaceAll("["+vmInner+"]", "copyIndex(1)", "add(copyIndex(), 1)"))))
	}
}

// imageRef returns the imageReference value, the marketplace image (if any)
// and whether it is a marketplace reference.
func (g *gen) imageRef(c *tctx, windows bool) (any, image, bool) {
	x := g.r.Float64()
	switch {
	case x < 0.77:
		list := supportedImages
		if x >= 0.62 {
			list = unsupportedImages
		}
		img := pickImage(g, list, windows)
		ir := obj()
		ir.set(g.k("publisher"), img.pub).set(g.k("offer"), img.offer)
		switch {
		case g.chance(0.1) && windows:
			ir.set(g.k("sku"), "["+g.param(c, "windowsOSVersion", obj().set("type", "string").set("defaultValue", img.sku).
				set("allowedValues", allowed(img.sku, "2016-datacenter-gensecond", "2019-datacenter-gensecond", "2022-datacenter-azure-edition", "2022-datacenter-g2")).
				set("metadata", obj().set("description", "The Windows version for the VM. This will pick a fully patched image of this given Windows version.")))+"]")
		case g.chance(0.1) && !windows:
			ir.set(g.k("sku"), "["+g.param(c, "linuxOSVersion", obj().set("type", "string").set("defaultValue", img.sku).
				set("metadata", obj().set("description", "The Linux distribution SKU.")))+"]")
		default:
			ir.set(g.k("sku"), img.sku)
		}
		if g.chance(0.05) {
			ir.set(g.k("version"), g.p(c, "imageVersion"))
		} else {
			ir.set(g.k("version"), pick(g, imageVersions))
		}
		return ir, img, true
	case x < 0.92:
		ir := obj()
		switch g.r.IntN(6) {
		case 0:
			ir.set("id", fmt.Sprintf("[resourceId('Microsoft.Compute/images', %s)]", g.pp(c, "customImageName")))
		case 1:
			ir.set("id", fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-images-%s/providers/Microsoft.Compute/galleries/gal_%s/images/%s/versions/%d.%d.%d",
				g.subID(), c.env, pick(g, []string{"platform", "golden", "shared"}), pick(g, []string{"win2022-hardened", "ubuntu2204-cis", "rhel9-base", "win2019-iis"}), g.between(1, 3), g.r.IntN(20), g.r.IntN(10)))
		case 2:
			ir.set("id", fmt.Sprintf("[resourceId(%s, 'Microsoft.Compute/galleries/images/versions', %s, %s, %s)]",
				g.pp(c, "galleryResourceGroup"), g.pp(c, "galleryName"), g.pp(c, "imageDefinitionName"), g.pp(c, "imageVersion")))
		case 3:
			ir.set("id", g.p(c, "imageId"))
		case 4:
			ir.set("sharedGalleryImageId", fmt.Sprintf("/SharedGalleries/%s-CONTOSO/Images/%s/Versions/latest", g.guid(), pick(g, []string{"win2022-hardened", "ubuntu2204-cis"})))
		default:
			ir.set("communityGalleryImageId", fmt.Sprintf("/CommunityGalleries/contoso-%s/Images/%s/Versions/latest", g.guid(), pick(g, []string{"rhel9-cis", "win2019-base"})))
		}
		return ir, image{windows: windows}, false
	default:
		img := pickImage(g, supportedImages, windows)
		def := obj().set("publisher", img.pub).set("offer", img.offer).set("sku", img.sku).set("version", "latest")
		if g.chance(0.5) {
			return "[" + g.vv(c, c.uniq("imageReference"), def) + "]", img, false
		}
		return "[" + g.param(c, "imageReference", obj().set("type", "object").set("defaultValue", def).
			set("metadata", obj().set("description", "Marketplace image or {\"id\": ...} of a custom image."))) + "]", img, false
	}
}

func (g *gen) osProfile(c *tctx, windows bool, api string, img image, nameKey, computerName string) *Obj {
	op := obj()
	op.set(nameKey, computerName)
	op.set("adminUsername", g.p(c, "adminUsername"))
	ssh := !windows && g.chance(0.7)
	if !ssh {
		op.set("adminPassword", g.p(c, "adminPassword"))
	}
	if !windows && g.chance(0.2) {
		op.set("customData", "[base64("+g.vv(c, "cloudInit", cloudInit)+")]")
	}
	var cfg *Obj
	if windows {
		cfg = g.windowsConfig(c, api, img)
		op.set(g.k("windowsConfiguration"), cfg)
	} else {
		cfg = g.linuxConfig(c, api, ssh)
		op.set(g.k("linuxConfiguration"), cfg)
	}
	g.cmt(op, 0.15)
	if windows && g.chance(0.08) {
		op.set("secrets", arr(obj().
			set("sourceVault", obj().set("id", fmt.Sprintf("[resourceId('Microsoft.KeyVault/vaults', %s)]", g.pp(c, "keyVaultName")))).
			set("vaultCertificates", arr(obj().set("certificateUrl", g.p(c, "certificateUrl")).set("certificateStore", "My")))))
	}
	if g.chance(0.15) {
		op.set("allowExtensionOperations", true)
	}
	return op
}

const cloudInit = "#cloud-config\npackage_upgrade: true\npackages:\n  - nginx\n  - unattended-upgrades\nwrite_files:\n  - path: /etc/apt/apt.conf.d/20auto-upgrades\n    content: |\n      APT::Periodic::Update-Package-Lists \"1\";\n      APT::Periodic::Unattended-Upgrade \"0\";\nruncmd:\n  - systemctl enable --now nginx\n"

func (g *gen) tri(o *Obj, key string, pTrue, pFalse float64, c *tctx, param string, pExpr float64) {
	switch x := g.r.Float64(); {
	case x < pTrue:
		o.set(g.k(key), true)
	case x < pTrue+pFalse:
		o.set(g.k(key), false)
	case x < pTrue+pFalse+pExpr:
		o.set(g.k(key), g.p(c, param))
	}
}

func (g *gen) windowsConfig(c *tctx, api string, img image) *Obj {
	cfg := obj()
	g.tri(cfg, "provisionVMAgent", 0.3, 0.08, c, "provisionVMAgent", 0.02)
	g.tri(cfg, "enableAutomaticUpdates", 0.45, 0.2, c, "enableAutomaticUpdates", 0.05)
	g.tcmt(cfg, 0.1)
	if g.chance(0.3) {
		cfg.set("timeZone", pick(g, timeZones))
	}
	g.patchSettings(c, cfg, true, api, img)
	if g.chance(0.12) {
		if g.chance(0.5) {
			cfg.set("winRM", obj().set("listeners", arr(obj().set("protocol", "Http"))))
		} else {
			cfg.set("winRM", obj().set("listeners", arr(obj().set("protocol", "Https").set("certificateUrl", g.p(c, "certificateUrl")))))
		}
	}
	if g.chance(0.05) {
		cfg.set("additionalUnattendContent", arr(obj().
			set("passName", "OobeSystem").set("componentName", "Microsoft-Windows-Shell-Setup").set("settingName", "AutoLogon").
			set("content", fmt.Sprintf("[format('<AutoLogon><Password><Value>{0}</Value></Password><Enabled>true</Enabled><LogonCount>1</LogonCount><Username>{1}</Username></AutoLogon>', %s, %s)]", g.pp(c, "adminPassword"), g.pp(c, "adminUsername")))))
	}
	if api >= "2022-08-01" && g.chance(0.05) {
		cfg.set("enableVMAgentPlatformUpdates", true)
	}
	return cfg
}

func (g *gen) linuxConfig(c *tctx, api string, ssh bool) *Obj {
	cfg := obj()
	cfg.set("disablePasswordAuthentication", ssh)
	if ssh {
		var key string
		if g.chance(0.3) {
			key = g.sshKey()
		} else {
			key = g.p(c, "sshPublicKey")
		}
		cfg.set("ssh", obj().set("publicKeys", arr(obj().
			set("path", fmt.Sprintf("[format('/home/{0}/.ssh/authorized_keys', %s)]", g.pp(c, "adminUsername"))).
			set("keyData", key))))
	}
	g.tri(cfg, "provisionVMAgent", 0.3, 0.08, c, "provisionVMAgent", 0.02)
	g.patchSettings(c, cfg, false, api, image{})
	if api >= "2022-08-01" && g.chance(0.05) {
		cfg.set("enableVMAgentPlatformUpdates", true)
	}
	return cfg
}

// patchModeValue draws a patchMode value; ok is false when it should be absent.
func (g *gen) patchModeValue(c *tctx, windows, allowExpr bool) (v string, ok bool) {
	x := g.r.Float64()
	var cuts []float64
	var vals []string
	if windows {
		cuts = []float64{0.30, 0.45, 0.57, 0.59, 0.64, 0.72}
		vals = []string{"AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault"}
	} else {
		cuts = []float64{0.35, 0.57, 0.59, 0.61, 0.65, 0.72}
		vals = []string{"AutomaticByPlatform", "ImageDefault", "AutomaticByOS", "Manual"}
	}
	switch {
	case x < cuts[3]:
		i := 0
		for x >= cuts[i] {
			i++
		}
		v = vals[i]
		if g.oddCase && g.chance(0.3) {
			v = strings.ToLower(v)
		}
		return v, true
	case x < cuts[4]:
		return pick(g, []string{"AutomaticByPlatfom", "AutomaticByPlatfrom", "Automatic", "Auto", "AutomaticByOs ", "automatic-by-platform", "None", ""}), true
	case x < cuts[5]:
		if !allowExpr {
			return "AutomaticByPlatform", true
		}
		switch y := g.r.Float64(); {
		case y < 0.6:
			return g.p(c, "patchMode"), true
		case y < 0.8:
			return fmt.Sprintf("[if(%s, 'AutomaticByPlatform', 'AutomaticByOS')]", g.pp(c, "enableHotpatching")), true
		default:
			return "[" + g.vv(c, "patchMode", pick(g, vals[:2])) + "]", true
		}
	}
	return "", false
}

func (g *gen) patchSettings(c *tctx, cfg *Obj, windows bool, api string, img image) {
	old := api < "2020-06-01" || (!windows && api < "2020-12-01")
	if (old && g.chance(0.8)) || g.chance(0.22) {
		return
	}
	if g.chance(0.02) {
		cfg.set(g.k("patchSettings"), g.p(c, "patchSettings"))
		return
	}
	ps := obj()
	pm, ok := g.patchModeValue(c, windows, true)
	if ok {
		ps.set(g.k("patchMode"), pm)
		g.tcmt(ps, 0.3)
	}
	switch x := g.r.Float64(); {
	case x < 0.3:
		ps.set(g.k("assessmentMode"), "AutomaticByPlatform")
	case x < 0.42:
		ps.set(g.k("assessmentMode"), "ImageDefault")
	case x < 0.45:
		ps.set(g.k("assessmentMode"), g.p(c, "assessmentMode"))
	}
	if windows && strings.Contains(img.sku, "azure-edition") && g.chance(0.4) {
		ps.set("enableHotpatching", g.chance(0.6))
	}
	if pm == "AutomaticByPlatform" && api >= "2022-11-01" && g.chance(0.4) {
		abp := obj().set("rebootSetting", pick(g, []string{"IfRequired", "Never", "Always"}))
		if g.chance(0.4) {
			abp.set("bypassPlatformSafetyChecksOnUserSchedule", g.chance(0.6))
		}
		ps.set("automaticByPlatformSettings", abp)
	}
	cfg.set(g.k("patchSettings"), ps)
	g.cmt(cfg, 0.3)
}

func (g *gen) storageProfile(c *tctx, windows bool, imgRef any, market, specialized bool, vmInner string, vmss bool) *Obj {
	sp := obj()
	osType := "Linux"
	if windows {
		osType = "Windows"
	}
	if !specialized {
		sp.set(g.k("imageReference"), imgRef)
		g.cmt(sp, 0.2)
	}
	od := obj()
	if !vmss && g.chance(0.5) {
		od.set("name", fmt.Sprintf("[format('{0}-osdisk', %s)]", vmInner))
	}
	if specialized {
		od.set("createOption", "Attach").set(g.k("osType"), osType).
			set("managedDisk", obj().set("id", fmt.Sprintf("[resourceId('Microsoft.Compute/disks', %s)]", g.pp(c, "osDiskName"))))
	} else {
		od.set("createOption", "FromImage").set("caching", "ReadWrite")
		if g.chance(0.3) {
			od.set("managedDisk", obj().set("storageAccountType", g.p(c, "osDiskType")))
		} else {
			od.set("managedDisk", obj().set("storageAccountType", pick(g, diskTypes)))
		}
		if (!market && g.chance(0.7)) || g.chance(0.25) {
			od.set(g.k("osType"), osType)
		}
		if g.chance(0.3) {
			od.set("diskSizeGB", pick(g, []int{30, 64, 127, 128, 256}))
		}
		if !vmss && g.chance(0.2) {
			od.set("deleteOption", "Delete")
		}
	}
	sp.set(g.k("osDisk"), od)
	switch x := g.r.Float64(); {
	case x < 0.3:
		dd := arr()
		for i, n := 0, g.between(1, 4); i < n; i++ {
			d := obj().set("lun", i)
			if !vmss && g.chance(0.5) {
				d.set("name", fmt.Sprintf("[format('{0}-data-%d', %s)]", i, vmInner))
			}
			d.set("createOption", "Empty").set("diskSizeGB", pick(g, []int{64, 128, 256, 512, 1023, 2048})).
				set("caching", pick(g, []string{"ReadOnly", "None"})).
				set("managedDisk", obj().set("storageAccountType", pick(g, diskTypes)))
			dd.add(d)
		}
		sp.set("dataDisks", dd)
	case x < 0.4:
		sp.set("copy", arr(obj().set("name", "dataDisks").set("count", g.p(c, "dataDiskCount")).
			set("input", obj().set("lun", "[copyIndex('dataDisks')]").set("createOption", "Empty").
				set("diskSizeGB", g.p(c, "dataDiskSizeGB")).set("managedDisk", obj().set("storageAccountType", "Premium_LRS")))))
	}
	return sp
}

// ---------------------------------------------------------------------------
// Scale sets

func (g *gen) vmssBundle(c *tctx, budget int) {
	windows := g.chance(0.5)
	role := pick(g, roles)
	if budget >= 3 && c.lb == nil && g.chance(0.35) {
		g.loadBalancer(c)
		budget--
	}
	var inner string
	if g.chance(0.6) {
		inner = g.param(c, c.uniq(role+"VmssName"), strParam(fmt.Sprintf("vmss-%s-%s", role, c.env), "Name of the "+role+" scale set."))
	} else {
		inner = fmt.Sprintf("'vmss-%s-%s-%02d'", role, c.env, g.between(1, 9))
	}
	ref := resRef{typ: "Microsoft.Compute/virtualMachineScaleSets", inner: inner, sym: c.symName(role + "Vmss"), role: role, windows: windows}
	flexible := g.chance(0.3)
	api := g.api(vmAPIVersions)
	if flexible && api < "2021-03-01" {
		api = "2022-03-01"
	}
	ss := obj()
	ss.set("type", g.typ(ref.typ)).set("apiVersion", api).set("name", nameField(inner)).set("location", g.loc(c))
	g.tcmt(ss, 0.1)
	g.tags(c, ss)
	var capacity any = g.between(1, 10)
	if g.chance(0.5) {
		capacity = g.p(c, "instanceCount")
	}
	ss.set("sku", obj().set("name", pick(g, vmSizes)).set("tier", "Standard").set("capacity", capacity))
	if g.chance(0.25) {
		ss.set("zones", arr("1", "2", "3"))
	}
	g.identity(ss, c)
	imgRef, img, market := g.imageRef(c, windows)
	if market && img.plan {
		ss.set("plan", obj().set("name", img.sku).set("publisher", img.pub).set("product", img.offer))
	}
	subnetID, subnetDep := g.subnetID(c)
	deps := arr()
	if subnetDep != "" {
		deps.add(subnetDep)
	}
	if c.lb != nil {
		deps.add(c.ref(*c.lb))
	}
	if len(deps.a) > 0 {
		ss.set("dependsOn", deps)
	}
	props := obj()
	if flexible {
		props.set("orchestrationMode", "Flexible").set("platformFaultDomainCount", 1).set("singlePlacementGroup", false)
	} else {
		if g.chance(0.6) {
			props.set("overprovision", g.chance(0.5))
		}
		if g.chance(0.4) {
			props.set("singlePlacementGroup", false)
		}
	}
	if !flexible || g.chance(0.4) {
		mode := pick(g, []string{"Automatic", "Manual", "Rolling", "Manual"})
		up := obj().set("mode", mode)
		if g.chance(0.4) {
			up.set("automaticOSUpgradePolicy", obj().set("enableAutomaticOSUpgrade", g.chance(0.6)).set("disableAutomaticRollback", false))
		}
		if mode == "Rolling" {
			up.set("rollingUpgradePolicy", obj().set("maxBatchInstancePercent", 20).set("maxUnhealthyInstancePercent", 20).
				set("maxUnhealthyUpgradedInstancePercent", 20).set("pauseTimeBetweenBatches", "PT0S"))
		}
		props.set("upgradePolicy", up)
	}
	vmp := obj()
	prefix := fmt.Sprintf("%s%s", role, c.env)
	if g.chance(0.5) {
		prefix = fmt.Sprintf("[take(%s, 9)]", inner)
	}
	vmp.set(g.k("osProfile"), g.osProfile(c, windows, api, img, "computerNamePrefix", prefix))
	g.cmt(vmp, 0.15)
	vmp.set(g.k("storageProfile"), g.storageProfile(c, windows, imgRef, market, false, inner, true))
	ipProps := obj().set("subnet", obj().set("id", subnetID))
	if g.chance(0.5) {
		ipProps.set("primary", true)
	}
	if c.lb != nil {
		ipProps.set("loadBalancerBackendAddressPools", arr(obj().set("id", fmt.Sprintf("[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', %s, 'bepool')]", c.lb.inner))))
	}
	nicProps := obj().set("primary", true)
	if g.chance(0.5) {
		nicProps.set("enableAcceleratedNetworking", g.chance(0.7))
	}
	nicProps.set("ipConfigurations", arr(obj().set("name", "ipconfig1").set("properties", ipProps)))
	np := obj().set("networkInterfaceConfigurations", arr(obj().set("name", fmt.Sprintf("nic-%s", role)).set("properties", nicProps)))
	if flexible {
		np.set("networkApiVersion", "2020-11-01")
	}
	if c.lb != nil && g.chance(0.5) {
		np.set("healthProbe", obj().set("id", fmt.Sprintf("[resourceId('Microsoft.Network/loadBalancers/probes', %s, 'health')]", c.lb.inner)))
	}
	vmp.set("networkProfile", np)
	if g.chance(0.4) {
		exts := arr()
		l := &childList{windows: windows, used: map[string]bool{}}
		for i, n := 0, g.between(1, 3); i < n; i++ {
			d, ok := g.pickExt(l)
			if !ok {
				break
			}
			exts.add(obj().set("name", d.name).set("properties", g.extProps(c, d)))
		}
		if g.chance(0.5) {
			h := "ApplicationHealthLinux"
			if windows {
				h = "ApplicationHealthWindows"
			}
			exts.add(obj().set("name", "HealthExtension").set("properties", obj().
				set("publisher", "Microsoft.ManagedServices").set("type", h).set("typeHandlerVersion", "1.0").
				set("autoUpgradeMinorVersion", true).
				set("settings", obj().set("protocol", "http").set("port", 80).set("requestPath", "/health"))))
		}
		vmp.set("extensionProfile", obj().set("extensions", exts))
	}
	if g.chance(0.5) {
		vmp.set("diagnosticsProfile", obj().set("bootDiagnostics", obj().set("enabled", true)))
	}
	if api >= "2020-12-01" && g.chance(0.2) {
		vmp.set("securityProfile", obj().set("securityType", "TrustedLaunch").set("uefiSettings", obj().set("secureBootEnabled", true).set("vTpmEnabled", true)))
	}
	if g.chance(0.05) {
		vmp.set("priority", "Spot").set("evictionPolicy", "Delete").set("billingProfile", obj().set("maxPrice", -1))
	}
	props.set(g.k("virtualMachineProfile"), vmp)
	if g.chance(0.2) {
		props.set("automaticRepairsPolicy", obj().set("enabled", true).set("gracePeriod", "PT30M"))
	}
	if g.chance(0.1) {
		props.set("scaleInPolicy", obj().set("rules", arr("Default")))
	}
	ss.set(g.k("properties"), props)
	c.addRes(ref.sym, ss)
	budget--
	if budget > 0 && g.chance(0.3) {
		g.autoscale(c, ref)
	}
}

func (g *gen) autoscale(c *tctx, target resRef) {
	rule := func(op, dir string, threshold int) *Obj {
		return obj().
			set("metricTrigger", obj().set("metricName", "Percentage CPU").set("metricNamespace", "").
				set("metricResourceUri", "["+c.id(target)+"]").set("timeGrain", "PT1M").set("statistic", "Average").
				set("timeWindow", "PT5M").set("timeAggregation", "Average").set("operator", op).set("threshold", threshold)).
			set("scaleAction", obj().set("direction", dir).set("type", "ChangeCount").set("value", "1").set("cooldown", "PT5M"))
	}
	o := obj()
	o.set("type", g.typ("Microsoft.Insights/autoscalesettings")).set("apiVersion", "2022-10-01").
		set("name", fmt.Sprintf("[format('{0}-autoscale', %s)]", target.inner)).set("location", g.loc(c)).
		set("dependsOn", arr(c.ref(target))).
		set("properties", obj().set("name", fmt.Sprintf("[format('{0}-autoscale', %s)]", target.inner)).
			set("targetResourceUri", "["+c.id(target)+"]").set("enabled", true).
			set("profiles", arr(obj().set("name", "default").
				set("capacity", obj().set("minimum", "1").set("maximum", "10").set("default", "2")).
				set("rules", arr(rule("GreaterThan", "Increase", 75), rule("LessThan", "Decrease", 25))))))
	c.addRes(c.symName(target.role+"Autoscale"), o)
}

// ---------------------------------------------------------------------------
// Extensions

type extDef struct {
	name, pub, typ, ver string
	os                  int // 0 any, 1 Windows, 2 Linux
}

var extDefs = []extDef{
	{"AzureMonitorWindowsAgent", "Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "1.0", 1},
	{"AzureMonitorLinuxAgent", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", "1.29", 2},
	{"CustomScriptExtension", "Microsoft.Compute", "CustomScriptExtension", "1.10", 1},
	{"CustomScript", "Microsoft.Azure.Extensions", "CustomScript", "2.1", 2},
	{"IaaSAntimalware", "Microsoft.Azure.Security", "IaaSAntimalware", "1.3", 1},
	{"JoinDomain", "Microsoft.Compute", "JsonADDomainExtension", "1.3", 1},
	{"DependencyAgentWindows", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentWindows", "9.10", 1},
	{"DependencyAgentLinux", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentLinux", "9.10", 2},
	{"AADLoginForWindows", "Microsoft.Azure.ActiveDirectory", "AADLoginForWindows", "1.0", 1},
	{"AADSSHLoginForLinux", "Microsoft.Azure.ActiveDirectory", "AADSSHLoginForLinux", "1.0", 2},
	{"GuestAttestation", "Microsoft.Azure.Security.WindowsAttestation", "GuestAttestation", "1.0", 1},
	{"Microsoft.Powershell.DSC", "Microsoft.Powershell", "DSC", "2.77", 1},
	{"MicrosoftMonitoringAgent", "Microsoft.EnterpriseCloud.Monitoring", "MicrosoftMonitoringAgent", "1.0", 1},
	{"OmsAgentForLinux", "Microsoft.EnterpriseCloud.Monitoring", "OmsAgentForLinux", "1.14", 2},
}

func (g *gen) pickExt(l *childList) (extDef, bool) {
	for try := 0; try < 12; try++ {
		d := pick(g, extDefs)
		if l.used[d.name] || (d.os == 1 && !l.windows) || (d.os == 2 && l.windows) {
			continue
		}
		l.used[d.name] = true
		return d, true
	}
	return extDef{}, false
}

func (g *gen) extProps(c *tctx, d extDef) *Obj {
	p := obj().set("publisher", d.pub).set("type", d.typ).set("typeHandlerVersion", d.ver).set("autoUpgradeMinorVersion", true)
	if strings.HasPrefix(d.name, "AzureMonitor") && g.chance(0.5) {
		p.set("enableAutomaticUpgrade", true)
	}
	switch d.typ {
	case "CustomScriptExtension":
		p.set("settings", obj().
			set("fileUris", arr(
				fmt.Sprintf("https://st%sscripts.blob.core.windows.net/scripts/install-%s.ps1", c.env, pick(g, roles)),
				"https://raw.githubusercontent.com/contoso/vm-bootstrap/main/windows/configure-wsus.ps1")).
			set("commandToExecute", fmt.Sprintf("powershell -ExecutionPolicy Unrestricted -File install-%s.ps1 -Environment \"%s\" -LogPath \"C:\\\\Logs\\\\bootstrap.log\"", pick(g, roles), c.env)))
	case "CustomScript":
		p.set("settings", obj().set("skipDos2Unix", false).set("timestamp", g.between(1, 1<<30)))
		p.set("protectedSettings", obj().
			set("commandToExecute", "bash setup.sh \""+c.env+"\" && systemctl restart nginx").
			set("fileUris", arr(fmt.Sprintf("https://st%sscripts.blob.core.windows.net/scripts/setup.sh", c.env))))
	case "IaaSAntimalware":
		p.set("settings", obj().set("AntimalwareEnabled", true).
			set("Exclusions", obj().set("Extensions", ".log;.ldf;.mdf").set("Paths", "D:\\IISlogs;D:\\DatabaseLogs").set("Processes", "mssence.svc")).
			set("RealtimeProtectionEnabled", "true").
			set("ScheduledScanSettings", obj().set("isEnabled", "true").set("scanType", "Quick").set("day", "7").set("time", "120")))
	case "JsonADDomainExtension":
		p.set("settings", obj().set("Name", "corp.contoso.com").set("OUPath", "OU=Servers,OU=Azure,DC=corp,DC=contoso,DC=com").
			set("User", "corp\\svc-domainjoin").set("Restart", "true").set("Options", "3"))
		p.set("protectedSettings", obj().set("Password", g.p(c, "domainJoinPassword")))
	case "GuestAttestation":
		p.set("settings", obj().set("AttestationConfig", obj().
			set("MaaSettings", obj().set("maaEndpoint", "").set("maaTenantName", "GuestAttestation")).
			set("AscSettings", obj().set("ascReportingEndpoint", "").set("ascReportingFrequency", "")).
			set("useCustomToken", "false").set("disableAlerts", "false")))
	case "DSC":
		p.set("settings", obj().set("wmfVersion", "latest").
			set("configuration", obj().set("url", "https://stdscconfigs.blob.core.windows.net/dsc/WebServer.zip").set("script", "WebServer.ps1").set("function", "WebServer")).
			set("configurationArguments", obj().set("nodeName", "localhost").set("websitePath", "D:\\inetpub\\wwwroot")))
	case "MicrosoftMonitoringAgent", "OmsAgentForLinux":
		ws := g.pp(c, "logAnalyticsWorkspaceName")
		p.set("settings", obj().set("workspaceId", fmt.Sprintf("[reference(resourceId('Microsoft.OperationalInsights/workspaces', %s), '2022-10-01').customerId]", ws)))
		p.set("protectedSettings", obj().set("workspaceKey", fmt.Sprintf("[listKeys(resourceId('Microsoft.OperationalInsights/workspaces', %s), '2022-10-01').primarySharedKey]", ws)))
	}
	return p
}

// childExtension returns a VM child resource ("type": "extensions").
func (g *gen) childExtension(c *tctx, l *childList) *Obj {
	d, ok := g.pickExt(l)
	if !ok {
		return nil
	}
	o := obj()
	o.set("type", "extensions").set("apiVersion", l.api).set("name", d.name).set("location", g.loc(c)).
		set("dependsOn", arr(c.ref(l.vm))).set("properties", g.extProps(c, d))
	return o
}

func (g *gen) topLevelExtension(c *tctx, vm resRef) {
	l := &childList{windows: vm.windows, used: map[string]bool{}}
	d, ok := g.pickExt(l)
	if !ok {
		return
	}
	o := obj()
	o.set("type", g.typ("Microsoft.Compute/virtualMachines/extensions")).set("apiVersion", g.api(vmAPIVersions)).
		set("name", fmt.Sprintf("[format('{0}/{1}', %s, '%s')]", vm.inner, d.name)).set("location", g.loc(c)).
		set("dependsOn", arr(c.ref(vm))).set("properties", g.extProps(c, d))
	c.addRes(c.symName(vm.role+"Ext"), o)
}
