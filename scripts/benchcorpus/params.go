package main

import (
	"fmt"
)

func desc(s string) *Obj { return obj().set("description", s) }

func strParam(def, description string) *Obj {
	return obj().set("type", "string").set("defaultValue", def).set("metadata", desc(description))
}

// param declares parameter name with definition def (unless already declared)
// and returns the inner expression "parameters('name')".
func (g *gen) param(c *tctx, name string, def *Obj) string {
	if !c.params.has(name) {
		c.params.set(name, def)
		g.cmt(c.params, 0.05)
	}
	return fmt.Sprintf("parameters('%s')", name)
}

// paramDef returns the definition of a well-known parameter.
func (g *gen) paramDef(c *tctx, name string) *Obj {
	switch name {
	case "location":
		return obj().set("type", "string").set("defaultValue", "[resourceGroup().location]").
			set("metadata", desc("Location for all resources."))
	case "environment":
		return obj().set("type", "string").set("defaultValue", c.env).
			set("allowedValues", arr("dev", "test", "qa", "stg", "uat", "prod")).
			set("metadata", desc("Short name of the environment, used in resource names and tags."))
	case "adminUsername":
		return obj().set("type", "string").set("defaultValue", pick(g, []string{"azureadmin", "localadmin", "azureuser"})).
			set("metadata", desc("Username for the Virtual Machine."))
	case "adminPassword":
		return obj().set("type", "securestring").set("minLength", 12).
			set("metadata", desc("Password for the Virtual Machine. Taken from Key Vault in the parameter files."))
	case "sshPublicKey":
		return obj().set("type", "securestring").set("metadata", desc("SSH public key (ssh-rsa ...) for the admin user."))
	case "vmSize":
		sizes := arr()
		for _, s := range vmSizes[:g.between(5, len(vmSizes))] {
			sizes.add(s)
		}
		return obj().set("type", "string").set("defaultValue", "Standard_D2s_v5").set("allowedValues", sizes).
			set("metadata", desc("Size of the virtual machine."))
	case "patchMode":
		return obj().set("type", "string").set("defaultValue", "AutomaticByPlatform").
			set("allowedValues", arr("AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault")).
			set("metadata", desc("VM guest patch mode. AutomaticByPlatform requires a supported image and provisionVMAgent=true."))
	case "assessmentMode":
		return obj().set("type", "string").set("defaultValue", "AutomaticByPlatform").
			set("allowedValues", arr("AutomaticByPlatform", "ImageDefault")).
			set("metadata", desc("Patch assessment mode."))
	case "enableAutomaticUpdates", "provisionVMAgent", "enableHotpatching":
		return obj().set("type", "bool").set("defaultValue", name != "enableHotpatching").
			set("metadata", desc(fmt.Sprintf("Value of %s in the OS profile.", name)))
	case "patchSettings":
		return obj().set("type", "object").set("defaultValue", obj().
			set("patchMode", "AutomaticByPlatform").set("assessmentMode", "AutomaticByPlatform")).
			set("metadata", desc("patchSettings block for windowsConfiguration/linuxConfiguration."))
	case "vmCount", "instanceCount":
		return obj().set("type", "int").set("defaultValue", g.between(2, 4)).set("minValue", 1).set("maxValue", 100).
			set("metadata", desc("Number of instances to deploy."))
	case "dataDiskCount":
		return obj().set("type", "int").set("defaultValue", 2).set("minValue", 0).set("maxValue", 16).
			set("metadata", desc("Number of data disks per VM."))
	case "dataDiskSizeGB":
		return obj().set("type", "int").set("defaultValue", 128).set("metadata", desc("Size of each data disk in GiB."))
	case "osDiskType":
		return obj().set("type", "string").set("defaultValue", "Premium_LRS").
			set("allowedValues", arr("Premium_LRS", "StandardSSD_LRS", "Standard_LRS")).
			set("metadata", desc("Storage type of the OS disk."))
	case "tags":
		t := obj().set("environment", c.env).set("owner", g.tagValue("owner")).set("costCenter", g.tagValue("costCenter"))
		g.pads.tags = append(g.pads.tags, t)
		return obj().set("type", "object").set("defaultValue", t).set("metadata", desc("Tags applied to all resources."))
	case "imageVersion":
		return strParam("latest", "Image version.")
	case "subnetId", "imageId":
		return obj().set("type", "string").set("metadata", desc("Full resource ID of the "+name[:len(name)-2]+"."))
	case "vnetName":
		return strParam(fmt.Sprintf("vnet-spoke-%s", c.env), "Name of the virtual network.")
	case "subnetName":
		return strParam("snet-workload", "Name of the subnet the NICs are placed in.")
	case "vnetResourceGroup":
		return strParam(fmt.Sprintf("rg-network-%s", c.env), "Resource group of the existing virtual network.")
	case "resourceGroupName":
		return strParam(fmt.Sprintf("rg-%s-%s", pick(g, roles), c.env), "Name of the resource group to create.")
	}
	return strParam(fmt.Sprintf("%s-%s", name, c.env), fmt.Sprintf("The %s.", name))
}

var extraParamNames = []string{
	"costCenter", "ownerEmail", "logAnalyticsWorkspaceId", "diagnosticsStorageAccountName", "domainName",
	"domainJoinUser", "ouPath", "timeZone", "enableAcceleratedNetworking", "enableBootDiagnostics",
	"backupPolicyName", "dnsServers", "privateDnsZoneName", "maintenanceStartDateTime", "maintenanceDuration",
	"rebootSetting", "kbNumbersToExclude", "classificationsToInclude", "applicationName", "deployBastion",
	"artifactsLocation", "artifactsLocationSasToken", "securityType", "encryptionAtHost", "zones",
}

func (g *gen) freshName(o *Obj, base string) string {
	name := base
	for i := 2; o.has(name); i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

func (g *gen) extraParam(c *tctx) string {
	base := pick(g, extraParamNames)
	name := g.freshName(c.params, base)
	var def *Obj
	switch base {
	case "enableAcceleratedNetworking", "enableBootDiagnostics", "deployBastion", "encryptionAtHost":
		def = obj().set("type", "bool").set("defaultValue", g.chance(0.5)).set("metadata", desc("Set to true to enable "+base[len("enable"):]+"."))
	case "dnsServers":
		def = obj().set("type", "array").set("defaultValue", arr("10.0.0.4", "10.0.0.5")).set("metadata", desc("Custom DNS servers of the NICs."))
	case "kbNumbersToExclude":
		def = obj().set("type", "array").set("defaultValue", arr("KB5034439")).set("metadata", desc("KB articles never installed by the maintenance configuration."))
	case "zones":
		def = obj().set("type", "array").set("defaultValue", arr("1", "2", "3")).set("metadata", desc("Availability zones."))
	case "classificationsToInclude":
		def = obj().set("type", "array").set("defaultValue", arr("Critical", "Security")).
			set("allowedValues", arr("Critical", "Security", "UpdateRollup", "FeaturePack", "ServicePack", "Definition", "Tools", "Updates", "Other")).
			set("metadata", desc("Update classifications installed by the maintenance configuration."))
	case "rebootSetting":
		def = obj().set("type", "string").set("defaultValue", "IfRequired").set("allowedValues", arr("IfRequired", "Never", "Always")).
			set("metadata", desc("Reboot behaviour after patch installation."))
	case "artifactsLocation":
		def = obj().set("type", "string").set("defaultValue", "[deployment().properties.templateLink.uri]").
			set("metadata", desc("The base URI where artifacts required by this template are located including a trailing '/'."))
	case "artifactsLocationSasToken":
		def = obj().set("type", "securestring").set("defaultValue", "").
			set("metadata", desc("The sasToken required to access _artifactsLocation. Use the defaultValue if the staging location is not secured."))
	case "securityType":
		def = obj().set("type", "string").set("defaultValue", "TrustedLaunch").set("allowedValues", arr("Standard", "TrustedLaunch")).
			set("metadata", desc("Security type of the virtual machine."))
	default:
		def = strParam(fmt.Sprintf("%s-%s-%d", base, c.env, g.r.IntN(100)), fmt.Sprintf("The %s used by the %s workload (%s).", base, pick(g, roles), c.env))
	}
	c.params.set(name, def)
	g.cmt(c.params, 0.05)
	return name
}

func (g *gen) extraVariable(c *tctx) string {
	var base string
	var val any
	switch g.r.IntN(6) {
	case 0:
		base = pick(g, roles) + "SubnetRef"
		val = fmt.Sprintf("[resourceId('Microsoft.Network/virtualNetworks/subnets', %s, 'snet-%s')]", g.pp(c, "vnetName"), pick(g, roles))
	case 1:
		base = "diagnosticsSettings"
		val = obj().set("storageAccountName", fmt.Sprintf("[format('stdiag{0}', uniqueString(resourceGroup().id))]")).
			set("logs", arr(obj().set("category", "Administrative").set("enabled", true), obj().set("category", "Security").set("enabled", true))).
			set("retentionDays", 30)
	case 2:
		base = "windowsFeatures"
		val = arr("Web-Server", "Web-Asp-Net45", "NET-Framework-45-Core", "RSAT-AD-Tools", "Telnet-Client")
	case 3:
		base = "scriptUri"
		val = fmt.Sprintf("[uri(%s, format('scripts/%s.ps1{0}', %s))]", g.pp(c, "artifactsLocation"), pick(g, []string{"install-iis", "configure-wsus", "join-domain", "install-agent"}), g.pp(c, "artifactsLocationSasToken"))
	case 4:
		base = pick(g, roles) + "Name"
		val = fmt.Sprintf("[toLower(format('{0}-%s-{1}', %s, uniqueString(resourceGroup().id)))]", pick(g, roles), g.pp(c, "environment"))
	default:
		base = "commonTags"
		t := obj().set("environment", "["+g.pp(c, "environment")+"]").set("managedBy", "bicep").set("patchGroup", g.tagValue("patchGroup"))
		g.pads.tags = append(g.pads.tags, t)
		val = t
	}
	name := g.freshName(c.vars, base)
	c.vars.set(name, val)
	g.cmt(c.vars, 0.05)
	return name
}

func (g *gen) extraOutput(c *tctx) string {
	var base string
	val := obj()
	switch x := g.r.IntN(4); {
	case x == 0 && len(c.vms) > 0:
		vm := c.vms[g.r.IntN(len(c.vms))]
		base = vm.role + "PrivateIp"
		val.set("type", "string").set("value", fmt.Sprintf("[reference(resourceId('Microsoft.Network/networkInterfaces', %s)).ipConfigurations[0].properties.privateIPAddress]", vm.nic))
	case x == 1 && len(c.vms) > 0:
		vm := c.vms[g.r.IntN(len(c.vms))]
		base = vm.role + "PrincipalId"
		val.set("type", "string").set("value", fmt.Sprintf("[reference(%s, '2023-03-01', 'full').identity.principalId]", c.id(vm)))
	case x == 2 && c.params.len() > 0:
		p := c.params.f[g.r.IntN(c.params.len())]
		if def, ok := p.v.(*Obj); ok && def.get("type") == "securestring" {
			base = "resourceGroupName"
			val.set("type", "string").set("value", "[resourceGroup().name]")
		} else {
			base = p.k
			typ := "string"
			if def, ok := p.v.(*Obj); ok {
				if t, ok := def.get("type").(string); ok {
					typ = t
				}
			}
			val.set("type", typ).set("value", fmt.Sprintf("[parameters('%s')]", p.k))
		}
	default:
		base = "deploymentInfo"
		val.set("type", "object").set("value", obj().
			set("name", "[deployment().name]").set("resourceGroup", "[resourceGroup().name]").
			set("subscriptionId", "[subscription().subscriptionId]").set("timestamp", "[deployment().properties.timestamp]"))
	}
	name := g.freshName(c.outputs, base)
	c.outputs.set(name, val)
	return name
}

// extraParamValue adds one parameter value to a parameter file.
func (g *gen) extraParamValue(ps *Obj) string {
	base := pick(g, extraParamNames)
	name := g.freshName(ps, base)
	var v any
	switch base {
	case "enableAcceleratedNetworking", "enableBootDiagnostics", "deployBastion", "encryptionAtHost":
		v = g.chance(0.5)
	case "dnsServers":
		v = arr(fmt.Sprintf("10.%d.0.4", g.r.IntN(255)), fmt.Sprintf("10.%d.0.5", g.r.IntN(255)))
	case "kbNumbersToExclude":
		v = arr("KB5034439", "KB5034441")
	case "classificationsToInclude":
		v = arr("Critical", "Security", "UpdateRollup")
	case "zones":
		v = arr("1", "2", "3")
	case "logAnalyticsWorkspaceId":
		v = fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/log-%s", g.subID(), pick(g, envs))
	case "artifactsLocationSasToken":
		ps.set(name, obj().set("reference", obj().
			set("keyVault", obj().set("id", fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-artifacts", g.subID()))).
			set("secretName", "artifacts-sas")))
		return name
	default:
		v = fmt.Sprintf("%s-%s-%d", base, pick(g, envs), g.r.IntN(1000))
	}
	ps.set(name, obj().set("value", v))
	g.cmt(ps, 0.05)
	return name
}
