package main

import (
	"fmt"
)

func (g *gen) subnetID(c *tctx) (id, dep string) {
	if c.vnet != nil && len(c.vnet.subnets) > 0 {
		sn := pick(g, c.vnet.subnets)
		return fmt.Sprintf("[resourceId('Microsoft.Network/virtualNetworks/subnets', %s, '%s')]", c.vnet.ref.inner, sn), c.ref(c.vnet.ref)
	}
	switch x := g.r.Float64(); {
	case x < 0.5:
		return fmt.Sprintf("[resourceId('Microsoft.Network/virtualNetworks/subnets', %s, %s)]", g.pp(c, "vnetName"), g.pp(c, "subnetName")), ""
	case x < 0.75:
		return g.p(c, "subnetId"), ""
	default:
		return fmt.Sprintf("[resourceId(%s, 'Microsoft.Network/virtualNetworks/subnets', %s, %s)]", g.pp(c, "vnetResourceGroup"), g.pp(c, "vnetName"), g.pp(c, "subnetName")), ""
	}
}

func (g *gen) publicIP(c *tctx, r resRef) {
	o := obj()
	o.set("type", g.typ(r.typ)).set("apiVersion", g.api(networkAPIVersions)).set("name", nameField(r.inner)).set("location", g.loc(c))
	g.tags(c, o)
	o.set("sku", obj().set("name", "Standard").set("tier", "Regional"))
	p := obj().set("publicIPAllocationMethod", "Static").set("publicIPAddressVersion", "IPv4")
	if g.chance(0.6) {
		p.set("dnsSettings", obj().set("domainNameLabel", fmt.Sprintf("[toLower(format('{0}-{1}', %s, uniqueString(resourceGroup().id)))]", r.inner)))
	}
	p.set("idleTimeoutInMinutes", 4)
	o.set("properties", p)
	c.addRes(r.sym, o)
}

func (g *gen) networkBundle(c *tctx, budget int) {
	if c.nsg == nil {
		var inner string
		if g.chance(0.5) {
			inner = g.pp(c, "nsgName")
		} else {
			inner = fmt.Sprintf("'nsg-%s-%s'", pick(g, roles), c.env)
		}
		ref := resRef{typ: "Microsoft.Network/networkSecurityGroups", inner: inner, sym: c.symName("nsg")}
		o := obj()
		o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(networkAPIVersions)).set("name", nameField(inner)).set("location", g.loc(c))
		g.tags(c, o)
		rules := arr()
		l := &ruleList{a: rules, prio: 100}
		for i, n := 0, g.between(2, 6); i < n; i++ {
			rules.add(g.nsgRule(l))
		}
		g.pads.nsgRules = append(g.pads.nsgRules, l)
		o.set("properties", obj().set("securityRules", rules))
		c.addRes(ref.sym, o)
		c.nsg = &ref
		budget--
		if budget <= 0 {
			return
		}
	}
	if c.vnet == nil {
		var inner string
		if g.chance(0.6) {
			inner = g.pp(c, "vnetName")
		} else {
			inner = fmt.Sprintf("'vnet-%s-%s'", pick(g, []string{"spoke", "hub", "app", "shared"}), c.env)
		}
		ref := resRef{typ: "Microsoft.Network/virtualNetworks", inner: inner, sym: c.symName("vnet")}
		o := obj()
		o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(networkAPIVersions)).set("name", nameField(inner)).set("location", g.loc(c))
		g.tags(c, o)
		octet := g.r.IntN(250)
		if c.nsg != nil {
			o.set("dependsOn", arr(c.ref(*c.nsg)))
		}
		p := obj().set("addressSpace", obj().set("addressPrefixes", arr(fmt.Sprintf("10.%d.0.0/16", octet))))
		if g.chance(0.2) {
			p.set("dhcpOptions", obj().set("dnsServers", arr(fmt.Sprintf("10.%d.0.4", octet), fmt.Sprintf("10.%d.0.5", octet))))
		}
		sn := arr()
		l := &subnetList{a: sn, octet: octet}
		if c.nsg != nil {
			l.nsgRef = "[" + c.id(*c.nsg) + "]"
		}
		info := &vnetInfo{ref: ref}
		for i, n := 0, g.between(1, 4); i < n; i++ {
			s := g.subnet(l)
			sn.add(s)
			info.subnets = append(info.subnets, s.get("name").(string))
		}
		g.pads.subnets = append(g.pads.subnets, l)
		p.set("subnets", sn)
		if g.chance(0.2) {
			p.set("enableDdosProtection", false)
		}
		o.set("properties", p)
		c.addRes(ref.sym, o)
		c.vnet = info
		return
	}
	g.routeTable(c)
}

var ruleNames = []string{"AllowRDP", "AllowSSH", "AllowHTTPS", "AllowHTTP", "AllowWinRM", "AllowSQL", "AllowAzureLoadBalancer", "AllowBastion", "DenyInternetOutbound", "AllowMonitoring", "AllowWSUS", "AllowKMS"}

func (g *gen) nsgRule(l *ruleList) *Obj {
	name := pick(g, ruleNames)
	if l.n > 0 {
		name = fmt.Sprintf("%s-%d", name, l.prio)
	}
	l.n++
	p := obj()
	if g.chance(0.4) {
		p.set("description", fmt.Sprintf("%s for the %s subnet (change %s)", name, pick(g, roles), pick(g, []string{"CHG0031337", "CHG0040012", "INC0012345", "initial"})))
	}
	p.set("protocol", pick(g, []string{"Tcp", "Tcp", "Udp", "*"})).set("sourcePortRange", "*")
	if g.chance(0.25) {
		p.set("destinationPortRanges", arr("80", "443", fmt.Sprintf("%d", 8000+g.r.IntN(1000))))
	} else {
		p.set("destinationPortRange", pick(g, []string{"22", "3389", "443", "80", "5986", "1433", "*", "1688", "8530-8531"}))
	}
	if g.chance(0.3) {
		p.set("sourceAddressPrefixes", arr(fmt.Sprintf("10.%d.0.0/16", g.r.IntN(255)), fmt.Sprintf("192.168.%d.0/24", g.r.IntN(255)), "203.0.113.0/24"))
	} else {
		p.set("sourceAddressPrefix", pick(g, []string{"*", "VirtualNetwork", "AzureLoadBalancer", "Internet", "10.0.0.0/8", "AzureCloud"}))
	}
	p.set("destinationAddressPrefix", pick(g, []string{"*", "VirtualNetwork", "10.10.1.0/24"})).
		set("access", pick(g, []string{"Allow", "Allow", "Allow", "Deny"})).
		set("priority", l.prio).
		set("direction", pick(g, []string{"Inbound", "Inbound", "Outbound"}))
	l.prio += 10
	return obj().set("name", name).set("properties", p)
}

func (g *gen) subnet(l *subnetList) *Obj {
	name := fmt.Sprintf("snet-%s-%02d", pick(g, roles), l.n)
	p := obj().set("addressPrefix", fmt.Sprintf("10.%d.%d.0/24", l.octet, l.n))
	l.n++
	if l.nsgRef != "" && g.chance(0.7) {
		p.set("networkSecurityGroup", obj().set("id", l.nsgRef))
	}
	if g.chance(0.3) {
		p.set("serviceEndpoints", arr(obj().set("service", "Microsoft.Storage"), obj().set("service", "Microsoft.KeyVault")))
	}
	if g.chance(0.4) {
		p.set("privateEndpointNetworkPolicies", "Disabled").set("privateLinkServiceNetworkPolicies", "Enabled")
	}
	if g.chance(0.08) {
		p.set("delegations", arr(obj().set("name", "delegation").set("properties", obj().set("serviceName", "Microsoft.Web/serverFarms"))))
	}
	return obj().set("name", name).set("properties", p)
}

func (g *gen) ipConfig(l *ipList) *Obj {
	l.n++
	return obj().set("name", fmt.Sprintf("ipconfig%d", l.n)).set("properties", obj().
		set("privateIPAllocationMethod", "Static").
		set("privateIPAddress", fmt.Sprintf("10.%d.%d.%d", g.r.IntN(255), g.r.IntN(255), 4+g.r.IntN(250))).
		set("privateIPAddressVersion", "IPv4").
		set("subnet", obj().set("id", l.subnetRef)).
		set("primary", false))
}

func (g *gen) routeTable(c *tctx) {
	o := obj()
	o.set("type", g.typ("Microsoft.Network/routeTables")).set("apiVersion", g.api(networkAPIVersions)).
		set("name", fmt.Sprintf("rt-%s-%s-%d", pick(g, roles), c.env, len(c.res))).set("location", g.loc(c))
	g.tags(c, o)
	routes := arr()
	for i, n := 0, g.between(1, 5); i < n; i++ {
		routes.add(obj().set("name", fmt.Sprintf("udr-%d", i)).set("properties", obj().
			set("addressPrefix", fmt.Sprintf("10.%d.0.0/16", g.r.IntN(255))).
			set("nextHopType", "VirtualAppliance").set("nextHopIpAddress", "10.0.1.4")))
	}
	routes.add(obj().set("name", "default-to-firewall").set("properties", obj().set("addressPrefix", "0.0.0.0/0").set("nextHopType", "VirtualAppliance").set("nextHopIpAddress", "10.0.1.4")))
	o.set("properties", obj().set("disableBgpRoutePropagation", true).set("routes", routes))
	c.addRes(c.symName("routeTable"), o)
}

func (g *gen) loadBalancer(c *tctx) {
	inner := fmt.Sprintf("'lb-%s-%s'", pick(g, roles), c.env)
	ref := resRef{typ: "Microsoft.Network/loadBalancers", inner: inner, sym: c.symName("lb")}
	fe := obj().set("name", "frontend")
	subnetID, _ := g.subnetID(c)
	fe.set("properties", obj().set("privateIPAllocationMethod", "Dynamic").set("subnet", obj().set("id", subnetID)))
	lbID := func(kind, name string) string {
		return fmt.Sprintf("[resourceId('Microsoft.Network/loadBalancers/%s', %s, '%s')]", kind, inner, name)
	}
	o := obj()
	o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(networkAPIVersions)).set("name", nameField(inner)).set("location", g.loc(c))
	g.tags(c, o)
	o.set("sku", obj().set("name", "Standard"))
	o.set("properties", obj().
		set("frontendIPConfigurations", arr(fe)).
		set("backendAddressPools", arr(obj().set("name", "bepool"))).
		set("probes", arr(obj().set("name", "health").set("properties", obj().set("protocol", "Http").set("port", 80).set("requestPath", "/health").set("intervalInSeconds", 5).set("numberOfProbes", 2)))).
		set("loadBalancingRules", arr(obj().set("name", "http").set("properties", obj().
			set("frontendIPConfiguration", obj().set("id", lbID("frontendIPConfigurations", "frontend"))).
			set("backendAddressPool", obj().set("id", lbID("backendAddressPools", "bepool"))).
			set("probe", obj().set("id", lbID("probes", "health"))).
			set("protocol", "Tcp").set("frontendPort", 80).set("backendPort", 80).
			set("enableFloatingIP", false).set("idleTimeoutInMinutes", 5).set("loadDistribution", "Default")))))
	c.addRes(ref.sym, o)
	c.lb = &ref
}

func (g *gen) storageAccount(c *tctx) {
	var inner string
	if g.chance(0.5) {
		inner = g.vv(c, "storageAccountName", "[format('st{0}', uniqueString(resourceGroup().id))]")
	} else {
		inner = g.pp(c, "storageAccountName")
	}
	if c.storage != nil {
		inner = fmt.Sprintf("'stdiag%s%04d'", c.env, g.r.IntN(10000))
	}
	ref := resRef{typ: "Microsoft.Storage/storageAccounts", inner: inner, sym: c.symName("storage")}
	o := obj()
	o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(storageAPIVersions)).set("name", nameField(inner)).set("location", g.loc(c))
	g.tags(c, o)
	o.set("sku", obj().set("name", pick(g, []string{"Standard_LRS", "Standard_GRS", "Standard_ZRS", "Premium_LRS"}))).set("kind", "StorageV2")
	acl := obj().set("bypass", "AzureServices").set("defaultAction", pick(g, []string{"Deny", "Allow"}))
	ips := arr()
	for i, n := 0, g.r.IntN(4); i < n; i++ {
		ips.add(obj().set("value", fmt.Sprintf("203.0.113.%d", g.r.IntN(255))).set("action", "Allow"))
	}
	acl.set("ipRules", ips).set("virtualNetworkRules", arr())
	o.set("properties", obj().
		set("minimumTlsVersion", "TLS1_2").set("supportsHttpsTrafficOnly", true).set("allowBlobPublicAccess", false).
		set("accessTier", "Hot").set("networkAcls", acl).
		set("encryption", obj().set("services", obj().
			set("blob", obj().set("enabled", true).set("keyType", "Account")).
			set("file", obj().set("enabled", true).set("keyType", "Account"))).
			set("keySource", "Microsoft.Storage")))
	if !c.symbolic && g.chance(0.3) {
		o.set("resources", arr(obj().
			set("type", "blobServices/containers").set("apiVersion", "2023-01-01").set("name", "default/scripts").
			set("dependsOn", arr(c.ref(ref))).
			set("properties", obj().set("publicAccess", "None").set("metadata", obj().set("purpose", "bootstrap scripts, *.ps1 and /*.sh")))))
	}
	c.addRes(ref.sym, o)
	if c.storage == nil {
		c.storage = &ref
	}
}

func (g *gen) availabilitySet(c *tctx) {
	inner := fmt.Sprintf("'avail-%s-%s-%d'", pick(g, roles), c.env, len(c.res))
	ref := resRef{typ: "Microsoft.Compute/availabilitySets", inner: inner, sym: c.symName("avset")}
	o := obj()
	o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(vmAPIVersions)).set("name", nameField(inner)).set("location", g.loc(c))
	g.tags(c, o)
	o.set("sku", obj().set("name", "Aligned")).
		set("properties", obj().set("platformFaultDomainCount", 2).set("platformUpdateDomainCount", 5))
	c.addRes(ref.sym, o)
	if c.avset == nil {
		c.avset = &ref
	}
}

func (g *gen) keyVault(c *tctx) {
	o := obj()
	o.set("type", g.typ("Microsoft.KeyVault/vaults")).set("apiVersion", pick(g, []string{"2019-09-01", "2022-07-01", "2023-02-01", "2023-07-01"})).
		set("name", fmt.Sprintf("[format('kv-%s-{0}', uniqueString(resourceGroup().id, '%d'))]", c.env, len(c.res))).set("location", g.loc(c))
	g.tags(c, o)
	pols := arr()
	for i, n := 0, g.between(1, 3); i < n; i++ {
		pols.add(obj().set("tenantId", "[subscription().tenantId]").set("objectId", g.guid()).
			set("permissions", obj().
				set("keys", arr("get", "list", "wrapKey", "unwrapKey")).
				set("secrets", arr("get", "list", "set")).
				set("certificates", arr("get", "list", "import"))))
	}
	o.set("properties", obj().
		set("tenantId", "[subscription().tenantId]").
		set("sku", obj().set("family", "A").set("name", "standard")).
		set("enabledForDeployment", true).set("enabledForTemplateDeployment", true).set("enabledForDiskEncryption", true).
		set("enableSoftDelete", true).set("softDeleteRetentionInDays", 90).
		set("accessPolicies", pols).
		set("networkAcls", obj().set("bypass", "AzureServices").set("defaultAction", "Deny")))
	c.addRes(c.symName("kv"), o)
}

func (g *gen) workspace(c *tctx) {
	o := obj()
	o.set("type", g.typ("Microsoft.OperationalInsights/workspaces")).set("apiVersion", pick(g, []string{"2020-08-01", "2021-06-01", "2022-10-01"})).
		set("name", "["+g.pp(c, "logAnalyticsWorkspaceName")+"]").set("location", g.loc(c))
	g.tags(c, o)
	o.set("properties", obj().set("sku", obj().set("name", "PerGB2018")).set("retentionInDays", pick(g, []int{30, 60, 90, 365})).
		set("features", obj().set("enableLogAccessUsingOnlyResourcePermissions", true)).
		set("workspaceCapping", obj().set("dailyQuotaGb", -1)))
	c.addRes(c.symName("workspace"), o)
}

func (g *gen) managedDisk(c *tctx) {
	o := obj()
	o.set("type", g.typ("Microsoft.Compute/disks")).set("apiVersion", pick(g, []string{"2020-12-01", "2022-07-02", "2023-04-02"})).
		set("name", fmt.Sprintf("disk-%s-%s-%02d", pick(g, roles), c.env, len(c.res))).set("location", g.loc(c))
	g.tags(c, o)
	o.set("sku", obj().set("name", pick(g, diskTypes))).
		set("properties", obj().set("creationData", obj().set("createOption", "Empty")).set("diskSizeGB", pick(g, []int{128, 256, 512, 1024})))
	c.addRes(c.symName("disk"), o)
}

// maintenance adds a guest-patching maintenance configuration and, budget
// permitting, its assignment to a VM of the template.
func (g *gen) maintenance(c *tctx, budget int) {
	inner := fmt.Sprintf("'mc-patch-%s-%s'", c.env, pick(g, []string{"sat", "sun", "wed", "monthly"}))
	if g.chance(0.5) {
		inner = g.pp(c, "maintenanceConfigurationName")
	}
	ref := resRef{typ: "Microsoft.Maintenance/maintenanceConfigurations", inner: inner, sym: c.symName("maintenance")}
	o := obj()
	o.set("type", g.typ(ref.typ)).set("apiVersion", pick(g, []string{"2021-09-01-preview", "2022-07-01-preview", "2023-04-01", "2023-09-01-preview"})).
		set("name", nameField(inner)).set("location", g.loc(c))
	g.tags(c, o)
	o.set("properties", obj().
		set("maintenanceScope", "InGuestPatch").
		set("installPatches", obj().
			set("rebootSetting", pick(g, []string{"IfRequired", "Never", "Always"})).
			set("windowsParameters", obj().
				set("classificationsToInclude", arr("Critical", "Security", "UpdateRollup")).
				set("kbNumbersToExclude", arr("KB5034439")).
				set("excludeKbsRequiringReboot", false)).
			set("linuxParameters", obj().
				set("classificationsToInclude", arr("Critical", "Security")).
				set("packageNameMasksToExclude", arr("kernel*", "docker-ce")).
				set("packageNameMasksToInclude", arr()))).
		set("extensionProperties", obj().set("InGuestPatchMode", "User")).
		set("maintenanceWindow", obj().
			set("startDateTime", fmt.Sprintf("2024-%02d-%02d 22:00", g.between(1, 12), g.between(1, 28))).
			set("duration", "03:55").set("timeZone", pick(g, timeZones)).
			set("expirationDateTime", nil).
			set("recurEvery", pick(g, []string{"Week Saturday", "Week Sunday", "Month Second Tuesday Offset2", "1Day"}))).
		set("visibility", "Custom"))
	c.addRes(ref.sym, o)
	if budget < 2 || len(c.vms) == 0 {
		return
	}
	vm := c.vms[g.r.IntN(len(c.vms))]
	a := obj()
	a.set("type", "Microsoft.Maintenance/configurationAssignments").set("apiVersion", "2023-04-01").
		set("name", fmt.Sprintf("[format('{0}-patch-assignment', %s)]", vm.inner)).set("location", g.loc(c)).
		set("scope", fmt.Sprintf("[format('Microsoft.Compute/virtualMachines/{0}', %s)]", vm.inner)).
		set("dependsOn", arr(c.ref(vm), c.ref(ref))).
		set("properties", obj().
			set("maintenanceConfigurationId", "["+c.id(ref)+"]").
			set("resourceId", "["+c.id(vm)+"]"))
	c.addRes(c.symName("assignment"), a)
}

// nestedDeployment adds a Microsoft.Resources/deployments resource, usually
// with an inline template holding VMs or scale sets.
func (g *gen) nestedDeployment(c *tctx, budget int) {
	innerScope := g.chance(0.7)
	linked := g.chance(0.1)
	role := pick(g, roles)
	depName := fmt.Sprintf("'deploy-%s-%s-%d'", role, c.env, len(c.res))
	if g.chance(0.3) {
		depName = fmt.Sprintf("format('%s-{0}', uniqueString(deployment().name))", role)
	}
	ref := resRef{typ: "Microsoft.Resources/deployments", inner: depName, sym: c.symName(role + "Deployment")}
	o := obj()
	o.set("type", g.typ(ref.typ)).set("apiVersion", g.api(deploymentAPIVersions)).set("name", nameField(depName))
	if c.subscription {
		o.set("resourceGroup", g.p(c, "resourceGroupName"))
		o.set("dependsOn", arr(fmt.Sprintf("[subscriptionResourceId('Microsoft.Resources/resourceGroups', %s)]", g.pp(c, "resourceGroupName"))))
	} else if c.vnet != nil && g.chance(0.5) {
		o.set("dependsOn", arr(c.ref(c.vnet.ref)))
	}
	props := obj()
	if innerScope || linked {
		props.set("expressionEvaluationOptions", obj().set("scope", "inner"))
	}
	props.set("mode", "Incremental")
	pv := obj()
	if linked {
		props.set("templateLink", obj().
			set("uri", fmt.Sprintf("[uri(deployment().properties.templateLink.uri, 'nested/%s-vm.json')]", role)).
			set("contentVersion", "1.0.0.0"))
		for _, n := range []string{"location", "adminUsername", "adminPassword", "vmSize", "patchMode"} {
			pv.set(n, obj().set("value", g.p(c, n)))
		}
		props.set("parameters", pv)
	} else {
		ic := newCtx(c.depth+1, false)
		ic.env = c.env
		if !innerScope {
			ic.params, ic.vars, ic.ownParams = c.params, c.vars, false
			ic.names = c.names
		}
		g.fillResources(ic, g.between(1, min(3, budget+1)), true)
		props.set("template", g.templateObj(ic, "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", false))
		if innerScope {
			for _, f := range ic.params.f {
				if !c.params.has(f.k) {
					c.params.set(f.k, f.v)
				}
				pv.set(f.k, obj().set("value", fmt.Sprintf("[parameters('%s')]", f.k)))
			}
			props.set("parameters", pv)
			if ic.outputs.len() > 0 && g.chance(0.5) {
				on := ic.outputs.f[0].k
				c.outputs.set(c.uniq(on), obj().set("type", "string").
					set("value", fmt.Sprintf("[reference(%s).outputs.%s.value]", c.id(ref), on)))
			}
		}
	}
	o.set("properties", props)
	c.addRes(ref.sym, o)
}

func (g *gen) subscriptionResources(c *tctx, n int) {
	c.subscription = true
	rg := obj()
	rg.set("type", "Microsoft.Resources/resourceGroups").set("apiVersion", "2022-09-01").
		set("name", g.p(c, "resourceGroupName")).set("location", g.p(c, "location"))
	g.tags(c, rg)
	c.addRes("rg", rg)
	for len(c.res) < max(2, min(n, 5)) {
		g.nestedDeployment(c, n-len(c.res))
	}
}
