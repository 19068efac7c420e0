package azexport

import (
	"fmt"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The typed form a resource is decoded into: the members this package
// reads, in both shapes at once. The CLI's flattened members sit in the
// embedded rawModel, REST's under Properties; members it does not read are
// skipped unread. A scale set keeps its VMs' settings one level down, in
// virtualMachineProfile.
type rawResource struct {
	ID             Str     `json:"id"`
	Name           Str     `json:"name"`
	Type           Str     `json:"type"`
	Location       Str     `json:"location"`
	ResourceGroup  Str     `json:"resourceGroup"`
	SubscriptionID Str     `json:"subscriptionId"`
	Zones          Strs    `json:"zones"`
	Sku            *rawSku `json:"sku"`
	InstanceID     Str     `json:"instanceId"`
	// PowerState is az vm list -d's "VM running", or a column a Resource
	// Graph query projected ("PowerState/running").
	PowerState Str `json:"powerState"`
	rawModel
	Properties *rawModel `json:"properties"`
}

type rawModel struct {
	AvailabilitySet           *rawRef          `json:"availabilitySet"`
	VirtualMachineScaleSet    *rawRef          `json:"virtualMachineScaleSet"`
	OSProfile                 *rawOSProfile    `json:"osProfile"`
	StorageProfile            *rawStorage      `json:"storageProfile"`
	VirtualMachineProfile     *rawVMProfile    `json:"virtualMachineProfile"`
	OrchestrationMode         Str              `json:"orchestrationMode"`
	PlatformUpdateDomainCount Int              `json:"platformUpdateDomainCount"`
	InstanceView              *rawInstanceView `json:"instanceView"`
	Extended                  *rawExtended     `json:"extended"` // Resource Graph's
}

type rawSku struct {
	Capacity Int `json:"capacity"`
}

type rawRef struct {
	ID Str `json:"id"`
}

type rawVMProfile struct {
	OSProfile      *rawOSProfile `json:"osProfile"`
	StorageProfile *rawStorage   `json:"storageProfile"`
}

type rawOSProfile struct {
	Windows *rawOSConfig `json:"windowsConfiguration"`
	Linux   *rawOSConfig `json:"linuxConfiguration"`
}

type rawOSConfig struct {
	PatchSettings          *rawPatchSettings `json:"patchSettings"`
	EnableAutomaticUpdates Bool              `json:"enableAutomaticUpdates"`
	ProvisionVMAgent       Bool              `json:"provisionVMAgent"`
	TimeZone               Str               `json:"timeZone"`
	off                    int
}

type rawPatchSettings struct {
	PatchMode      Str `json:"patchMode"`
	AssessmentMode Str `json:"assessmentMode"`
}

type rawStorage struct {
	ImageReference *rawImage  `json:"imageReference"`
	OSDisk         *rawOSDisk `json:"osDisk"`
}

type rawImage struct {
	Publisher        Str `json:"publisher"`
	Offer            Str `json:"offer"`
	Sku              Str `json:"sku"`
	Version          Str `json:"version"`
	ID               Str `json:"id"`
	SharedGallery    Str `json:"sharedGalleryImageId"`
	CommunityGallery Str `json:"communityGalleryImageId"`
}

type rawOSDisk struct {
	OSType Str `json:"osType"`
}

type rawInstanceView struct {
	PlatformUpdateDomain Int         `json:"platformUpdateDomain"`
	VMAgent              *rawVMAgent `json:"vmAgent"`
	Statuses             []rawStatus `json:"statuses"`
	PowerState           *rawStatus  `json:"powerState"` // Resource Graph's extended.instanceView
	OSName               Str         `json:"osName"`
}

type rawVMAgent struct {
	VMAgentVersion Str `json:"vmAgentVersion"`
}

type rawStatus struct {
	Code Str `json:"code"`
}

type rawExtended struct {
	InstanceView *rawInstanceView `json:"instanceView"`
}

// UnmarshalJSONFrom reads a string, remembering where it is; null is a
// value left out.
func (s *Str) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	off := int(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*s = Str{Off: off}
	case '"':
		*s = Str{V: tok.String(), Off: off}
	default:
		return fmt.Errorf("%s, expected a string", describe(tok.Kind()))
	}
	return nil
}

// UnmarshalJSONFrom reads a whole number.
func (n *Int) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	off := int(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*n = Int{Off: off}
		return nil
	case '0':
		v, err := strconv.ParseInt(tok.String(), 10, 32)
		if err != nil {
			return fmt.Errorf("%s, expected a whole number", tok.String())
		}
		*n = Int{V: int(v), Set: true, Off: off}
		return nil
	}
	return fmt.Errorf("%s, expected a whole number", describe(tok.Kind()))
}

// UnmarshalJSONFrom reads true or false.
func (b *Bool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	off := int(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*b = Bool{Off: off}
	case 't', 'f':
		*b = Bool{V: tok.Bool(), Set: true, Off: off}
	default:
		return fmt.Errorf("%s, expected true or false", describe(tok.Kind()))
	}
	return nil
}

// UnmarshalJSONFrom reads a list of strings (zones: ["1"]), or one string
// ("1", as az vm create prints it). Numbers are taken as their text.
func (s *Strs) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	off := int(dec.InputOffset())
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*s = Strs{Off: off}
	switch tok.Kind() {
	case 'n':
		return nil
	case '"':
		if v := tok.String(); v != "" {
			s.V = []string{v}
		}
		return nil
	case '[':
	default:
		return fmt.Errorf("%s, expected a list of strings", describe(tok.Kind()))
	}
	for dec.PeekKind() != ']' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch tok.Kind() {
		case '"', '0':
			s.V = append(s.V, tok.String())
		default:
			return fmt.Errorf("%s in the list, expected strings", describe(tok.Kind()))
		}
	}
	_, err = dec.ReadToken()
	return err
}

// UnmarshalJSONFrom notes where the configuration is, then decodes it.
func (c *rawOSConfig) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain rawOSConfig
	off := int(dec.InputOffset())
	var v plain
	if err := jsonv2.UnmarshalDecode(dec, &v, decodeOptions); err != nil {
		return err
	}
	v.off = off
	*c = rawOSConfig(v)
	return nil
}

// resource decodes the resource the decoder is at and adds it.
func (d *Document) resource(dec *jsontext.Decoder) error {
	off := int(dec.InputOffset())
	var raw rawResource
	if err := jsonv2.UnmarshalDecode(dec, &raw, decodeOptions); err != nil {
		return err
	}
	r, err := d.normalise(off, &raw)
	if err != nil {
		return err
	}
	if d.n == 0 {
		d.rest = r.REST
	}
	d.n++
	if err := d.each(d, &r); err != nil {
		return callbackError{err}
	}
	return nil
}

// normalise turns the typed form into a Resource: settings from properties
// (REST), else from the top level (CLI), a scale set's from its
// virtualMachineProfile.
func (d *Document) normalise(off int, raw *rawResource) (Resource, error) {
	r := Resource{Off: off, ID: raw.ID, Name: raw.Name, Type: raw.Type, Location: raw.Location,
		ResourceGroup: raw.ResourceGroup, SubscriptionID: raw.SubscriptionID, Zones: raw.Zones, InstanceID: raw.InstanceID}
	r.Type.V = strings.ToLower(r.Type.V)
	if id, ok := ParseID(raw.ID.V); ok {
		// VirtualMachineScaleSetVMs Get and List (az rest, the SDKs) type
		// a scale set's instance as a VM; its id is the instance's.
		if r.Type.V == "" || r.Type.V == TypeVM && id.Type == TypeScaleSetVM {
			r.Type = Str{V: id.Type, Off: raw.ID.Off}
		}
	}
	m := &raw.rawModel
	if raw.Properties != nil {
		r.REST = true
		m = raw.Properties
	}
	if raw.Sku != nil {
		r.Capacity = raw.Sku.Capacity
	}
	if m.AvailabilitySet != nil {
		r.AvailabilitySet = m.AvailabilitySet.ID
	}
	if m.VirtualMachineScaleSet != nil {
		r.ScaleSet = m.VirtualMachineScaleSet.ID
	}
	r.OrchestrationMode = m.OrchestrationMode
	r.UpdateDomainCount = m.PlatformUpdateDomainCount

	osp, storage := m.OSProfile, m.StorageProfile
	if p := m.VirtualMachineProfile; p != nil {
		osp, storage = p.OSProfile, p.StorageProfile
	}
	if osp != nil {
		if osp.Windows != nil && osp.Linux != nil {
			return r, d.Errorf(osp.Linux.off, "the VM has both osProfile.windowsConfiguration and osProfile.linuxConfiguration: expected one, the other null")
		}
		c, os := osp.Windows, "windows"
		if c == nil {
			c, os = osp.Linux, "linux"
		}
		if c != nil {
			r.OS = Str{V: os, Off: c.off}
			r.EnableAutomaticUpdates, r.ProvisionVMAgent, r.TimeZone = c.EnableAutomaticUpdates, c.ProvisionVMAgent, c.TimeZone
			if c.PatchSettings != nil {
				r.PatchMode, r.AssessmentMode = c.PatchSettings.PatchMode, c.PatchSettings.AssessmentMode
			}
		}
	}
	if storage != nil {
		if img := storage.ImageReference; img != nil {
			r.Image = Image{Publisher: img.Publisher, Offer: img.Offer, Sku: img.Sku, Version: img.Version,
				ID: img.ID, SharedGallery: img.SharedGallery, CommunityGallery: img.CommunityGallery}
		}
		if storage.OSDisk != nil {
			r.OSDiskType = storage.OSDisk.OSType
		}
	}

	// The power state: az vm list -d's, else the instance view's, else
	// Resource Graph's.
	r.PowerState = powerState(raw.PowerState)
	for _, iv := range []*rawInstanceView{m.InstanceView, extendedView(m)} {
		if iv == nil {
			continue
		}
		if r.PowerState.V == "" {
			for _, s := range iv.Statuses {
				if strings.HasPrefix(strings.ToLower(s.Code.V), "powerstate/") {
					r.PowerState = powerState(s.Code)
					break
				}
			}
		}
		if r.PowerState.V == "" && iv.PowerState != nil {
			r.PowerState = powerState(iv.PowerState.Code)
		}
		if !r.UpdateDomain.Set {
			r.UpdateDomain = iv.PlatformUpdateDomain
		}
		if r.AgentVersion.V == "" && iv.VMAgent != nil {
			r.AgentVersion = iv.VMAgent.VMAgentVersion
		}
	}
	return r, nil
}

func extendedView(m *rawModel) *rawInstanceView {
	if m.Extended == nil {
		return nil
	}
	return m.Extended.InstanceView
}

// powerState is the state a power-state text names: "VM deallocated" and
// "PowerState/deallocated" are both deallocated.
func powerState(s Str) Str {
	v := strings.TrimSpace(s.V)
	if len(v) > 3 && strings.EqualFold(v[:3], "VM ") {
		v = v[3:]
	} else if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[i+1:]
	}
	s.V = strings.ToLower(strings.TrimSpace(v))
	return s
}

// ID is an Azure resource ID's parts.
type ID struct {
	Subscription, ResourceGroup string // as written
	// Type is lower-case, a child's with its parent's:
	// microsoft.compute/virtualmachinescalesets/virtualmachines.
	Type string
	Name string // the last name
	// Parent is the parent resource's ID, for a child resource; "" else.
	Parent string
}

// ParseID splits /subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}[/{type}/{name}…].
func ParseID(id string) (ID, bool) {
	segs := strings.Split(id, "/")
	if len(segs) < 9 || segs[0] != "" || !strings.EqualFold(segs[1], "subscriptions") || !strings.EqualFold(segs[3], "resourceGroups") ||
		!strings.EqualFold(segs[5], "providers") || len(segs)%2 != 1 {
		return ID{}, false
	}
	for _, s := range segs[1:] {
		if s == "" {
			return ID{}, false
		}
	}
	out := ID{Subscription: segs[2], ResourceGroup: segs[4], Name: segs[len(segs)-1]}
	types := []string{segs[6]}
	for i := 7; i < len(segs); i += 2 {
		types = append(types, segs[i])
	}
	out.Type = strings.ToLower(strings.Join(types, "/"))
	if len(segs) > 9 {
		out.Parent = strings.Join(segs[:len(segs)-2], "/")
	}
	return out, true
}
