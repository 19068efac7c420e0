package main

// Catalogs of realistic values used by the generator.

type image struct {
	pub, offer, sku string
	windows         bool
	plan            bool // third-party marketplace image that needs a plan block
}

var supportedImages = []image{
	{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition-hotpatch", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-g2", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2022-Datacenter", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2019-datacenter-gensecond", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2016-datacenter-gensecond", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2025-datacenter-azure-edition", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2019-datacenter-core-g2", true, false},
	{"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", false, false},
	{"Canonical", "0001-com-ubuntu-server-focal", "20_04-lts-gen2", false, false},
	{"Canonical", "ubuntu-24_04-lts", "server", false, false},
	{"Canonical", "UbuntuServer", "18.04-LTS", false, false},
	{"RedHat", "RHEL", "8-lvm-gen2", false, false},
	{"RedHat", "RHEL", "9-lvm-gen2", false, false},
	{"RedHat", "RHEL", "7-LVM", false, false},
	{"SUSE", "sles-15-sp5", "gen2", false, false},
	{"SUSE", "sles-12-sp5", "gen2", false, false},
	{"OpenLogic", "CentOS", "7_9-gen2", false, false},
	{"Debian", "debian-11", "11-gen2", false, false},
	{"Debian", "debian-12", "12-gen2", false, false},
	{"Oracle", "Oracle-Linux", "ol88-lvm-gen2", false, false},
	{"MicrosoftCBLMariner", "cbl-mariner", "cbl-mariner-2-gen2", false, false},
}

var unsupportedImages = []image{
	{"MicrosoftWindowsDesktop", "Windows-10", "win10-22h2-pro", true, false},
	{"MicrosoftWindowsDesktop", "windows-11", "win11-23h2-ent", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2012-R2-Datacenter", true, false},
	{"MicrosoftWindowsServer", "WindowsServer", "2008-R2-SP1", true, false},
	{"MicrosoftSQLServer", "sql2019-ws2019", "enterprise", true, false},
	{"MicrosoftVisualStudio", "visualstudio2022", "vs-2022-ent-latest-ws2022", true, false},
	{"MicrosoftWindowsServer", "WindowsServerSemiAnnual", "Datacenter-Core-1809-with-Containers-smalldisk", true, false},
	{"OpenLogic", "CentOS", "7.5", false, false},
	{"Canonical", "UbuntuServer", "16.04-LTS", false, false},
	{"SUSE", "sles-12-sp4", "gen1", false, false},
	{"kinvolk", "flatcar-container-linux-free", "stable-gen2", false, true},
	{"Oracle", "Oracle-Linux", "7.4", false, false},
	{"bitnami", "wordpress", "4-4", false, true},
	{"fortinet", "fortinet_fortigate-vm_v5", "fortinet_fg-vm", false, true},
}

var imageVersions = []string{"latest", "latest", "latest", "latest", "20348.2113.231109", "17763.5122.231109", "22.04.202311010", "8.8.2023081717", "2023.10.1", "1.0.0"}

var vmAPIVersions = []string{
	"2017-03-30", "2018-06-01", "2018-10-01", "2019-03-01", "2019-07-01", "2019-12-01",
	"2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01",
	"2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01",
	"2024-03-01", "2024-07-01",
}

var networkAPIVersions = []string{"2019-11-01", "2020-05-01", "2020-11-01", "2021-05-01", "2022-01-01", "2022-07-01", "2023-04-01", "2023-05-01", "2023-09-01", "2023-11-01"}
var storageAPIVersions = []string{"2019-06-01", "2021-04-01", "2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01"}
var deploymentAPIVersions = []string{"2019-10-01", "2020-10-01", "2021-04-01", "2022-09-01"}

var vmSizes = []string{
	"Standard_B2s", "Standard_B2ms", "Standard_D2s_v3", "Standard_D4s_v3", "Standard_D2s_v5",
	"Standard_D4s_v5", "Standard_D8s_v5", "Standard_D2ads_v5", "Standard_E4s_v5", "Standard_E8ds_v5",
	"Standard_F4s_v2", "Standard_DS1_v2", "Standard_DS2_v2", "Standard_A2_v2", "Standard_D16s_v5",
}

var diskTypes = []string{"Premium_LRS", "StandardSSD_LRS", "Standard_LRS", "Premium_ZRS", "StandardSSD_ZRS"}

var locations = []string{"westeurope", "northeurope", "eastus", "eastus2", "westus2", "uksouth", "germanywestcentral", "swedencentral", "centralus", "australiaeast", "japaneast", "southeastasia"}

var roles = []string{"web", "api", "sql", "app", "jump", "build", "agent", "dc", "file", "iis", "batch", "etl", "cache", "mgmt", "mon", "rabbit", "kafka", "es", "redis", "print", "rds", "sap", "ad", "proxy", "ftp", "citrix"}

var envs = []string{"dev", "test", "qa", "stg", "prod", "uat"}

var baseNames = []string{"azuredeploy", "main", "template", "vm", "vmss", "deploy", "infra", "workload", "compute", "landingzone"}

var tagKeys = []string{
	"environment", "costCenter", "owner", "application", "businessUnit", "dataClassification",
	"criticality", "maintenanceWindow", "patchGroup", "createdBy", "project", "supportTeam", "sla",
	"compliance", "backupPolicy", "drTier", "department", "lifecycle", "managedBy", "workload",
	"serviceNow", "budgetCode", "contact", "region", "tier", "osFamily", "releaseTrain", "ticket",
}

var tagValuesByKey = map[string][]string{
	"environment":        {"prod", "dev", "test", "uat"},
	"costCenter":         {"CC-1042", "CC-2210", "CC-3301", "CC-4711"},
	"owner":              {"platform-team@contoso.com", "j.doe@contoso.com", "ops-oncall@contoso.com"},
	"application":        {"web", "erp", "crm", "intranet", "build"},
	"businessUnit":       {"finance", "hr", "it", "sales"},
	"dataClassification": {"Confidential", "Internal", "Public"},
	"criticality":        {"High", "Medium", "Low"},
	"maintenanceWindow":  {"Sat 22:00-02:00 CET", "Sun 01:00-05:00 UTC", "2nd Tue +2d"},
	"patchGroup":         {"patch-group-a", "patch-group-b", "pilot", "broad"},
	"createdBy":          {"pipeline", "bicep", "terraform-migration", "portal"},
	"sla":                {"99.9", "99.95", "99.99"},
	"compliance":         {"ISO27001", "SOC2", "PCI-DSS", "none"},
	"backupPolicy":       {"daily-30d", "weekly-12w", "none"},
	"drTier":             {"tier-1", "tier-2", "bronze"},
	"ticket":             {"RITM0041123", "CHG0034567", "REQ0009912"},
}

var tagValuesDefault = []string{"IT Operations", "active", "bicep", "westeurope", "yes", "n/a", "2024-Q3"}

func (g *gen) tagValue(key string) string {
	for i := len(key); i > 0; i-- { // strip a numeric suffix added for uniqueness
		if key[i-1] < '0' || key[i-1] > '9' {
			key = key[:i]
			break
		}
	}
	if vs, ok := tagValuesByKey[key]; ok {
		return pick(g, vs)
	}
	return pick(g, tagValuesDefault)
}

var timeZones = []string{"W. Europe Standard Time", "UTC", "Pacific Standard Time", "Eastern Standard Time", "GMT Standard Time", "Central Europe Standard Time", "Tokyo Standard Time"}

var fieldComments = []string{
	"Automatic VM guest patching, see https://learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching",
	"TODO: move to AutomaticByPlatform once the image is on the supported list",
	"patchMode must be \"AutomaticByPlatform\" for hotpatching",
	"keep in sync with the parameters file",
	"NOTE: provisionVMAgent must stay true for patch orchestration",
	"image pinned by the security team, do not change without a CAB ticket",
	"old value was /* Manual */, changed after the 2023 audit",
	"disabled until INC0012345 is resolved",
	"api version pinned for the hybrid profile",
	"Zeitzone für Frankfurt – bitte nicht ändern",
	"see wiki: https://contoso.sharepoint.com/sites/ops/Patching.aspx",
	"the \"*\" here means any port",
}

var trailComments = []string{
	"was AutomaticByOS",
	"hotpatch requires azure-edition",
	"TODO",
	"changed by pipeline",
	"must match the VM size family",
	"\"Manual\" for SQL clusters",
	"see https://aka.ms/vmguestpatching",
}

var blockComments = []string{
	"generated by pipeline run 4711 - do not edit by hand",
	"legacy settings kept for the 2019 images",
	"network: see hub-and-spoke design doc, section 3.2",
	"remove after migration // ticket CHG0034567",
}

var resourceGroupComments = []string{
	"--- networking ---", "--- compute ---", "--- storage ---", "--- monitoring ---",
	"VM guest patching settings are validated by patchcheck in CI",
	"scale set for the stateless tier",
}
