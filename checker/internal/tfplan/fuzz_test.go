package tfplan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/internal/tfplan"
	"github.com/patchcheck/patchcheck/checker/model"
)

// FuzzExtract feeds arbitrary documents through Detect and Extract. They
// must never panic, and every VM they return must be well formed: a name, a
// known kind, non-nil lists and real positions for everything a finding can
// point at.
func FuzzExtract(f *testing.F) {
	data, err := os.ReadFile(planPath)
	if err != nil {
		f.Fatal(err)
	}
	// The plan file only compacted: every new input of the size of the
	// pretty one takes the fuzzer long to minimise.
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		f.Fatal(err)
	}
	f.Add(compact.Bytes())
	f.Add([]byte("\uFEFF" + plan(create("azurerm_linux_virtual_machine.b", "azurerm_linux_virtual_machine", `{"patch_mode":"AutomaticByPlatform",`+ubuntu+`}`, `{}`))))
	for _, s := range []string{
		plan(create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", `{"patch_mode":"manual","enable_automatic_updates":"true"}`, `{"source_image_reference":true}`)),
		plan(create("azurerm_orchestrated_virtual_machine_scale_set.f", "azurerm_orchestrated_virtual_machine_scale_set", `{"os_profile":[{"windows_configuration":[null],"linux_configuration":[{}]}]}`, `{"os_profile":[{"windows_configuration":[true]}]}`)),
		plan(create("azurerm_virtual_machine.v", "azurerm_virtual_machine", `{"os_profile_windows_config":{"provision_vm_agent":1},"storage_image_reference":[{"id":7}]}`, `{"storage_image_reference":[{"publisher":true}]}`)),
		// after_unknown shaped unlike after; duplicate keys in other cases.
		plan(create("azurerm_linux_virtual_machine.l", "azurerm_linux_virtual_machine", `{"patch_mode":"ImageDefault","patch_mode":null,"PATCH_MODE":"Manual","source_image_reference":{"publisher":"x"}}`, `{"patch_mode":[true],"source_image_reference":{"0":true}}`)),
		`{"format_version":"1.2","terraform_version":"1.9.5","Resource_Changes":[{"type":"azurerm_linux_virtual_machine","change":{"after":{}}}],"resource_changes":[null,{"type":"azurerm_linux_virtual_machine_scale_set","change":{"actions":["create"],"after":{"extension":[null,{"type":"ApplicationHealthLinux"}]},"after_unknown":true}}]}`,
		`{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[null,{"type":"azurerm_windows_virtual_machine","values":{"patch_mode":"AutomaticByPlatform"}}],"child_modules":[{"child_modules":[{"resources":[{"address":"module.a.module.b.azurerm_linux_virtual_machine.x","type":"azurerm_linux_virtual_machine","values":{}}]}]}]}}}`,
		`{"format_version":"0.1","terraform_version":"0.12.0","resource_changes":[{"type":"azurerm_virtual_machine","index":1.5,"change":{"actions":["update"],"after":{"os_profile_linux_config":[],"storage_os_disk":[{"os_type":"linux"}]}}}]}`,
		`{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[]}`,
		`{"format_version":"9","terraform_version":"1","planned_values":{}}`,
		`{"resources":[]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	defaults := seedDefaults(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := jsonpos.Parse("fuzz.json", data)
		if err != nil {
			return
		}
		tfplan.Detect(doc)
		vms, err := tfplan.Extract(doc, data, defaults)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("error without a message")
			}
			return
		}
		for _, vm := range vms {
			if vm.Name == "" || (vm.Kind != model.KindVM && vm.Kind != model.KindVMS) || vm.Unresolved == nil || vm.SchemaErrors == nil {
				t.Fatalf("malformed VM %+v", vm)
			}
			at := []string{"vm", "apiVersion", "patchSettings", "patchMode", "assessmentMode", "enableAutomaticUpdates",
				"provisionVMAgent", "enableHotpatching", "rebootSetting", "bypassPlatformSafetyChecksOnUserSchedule",
				"orchestrationMode", "automaticOSUpgrade", "agentVersion", "image"}
			for i := range vm.Unresolved {
				at = append(at, "unresolved/"+itoa(i))
			}
			for i := range vm.SchemaErrors {
				at = append(at, "schemaErrors/"+itoa(i))
			}
			for _, a := range at {
				loc, _, ok := vm.Where(a)
				if !ok || loc.Line < 1 || loc.Column < 1 {
					t.Fatalf("%s: %s at %+v", vm.Name, a, loc)
				}
			}
			for name, fact := range factsOf(vm) {
				if fact.State == "" || fact.Property == "" {
					t.Fatalf("%s: fact %s without state or property: %+v", vm.Name, name, fact)
				}
			}
		}
	})
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
