package rpc

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// This file maps the Go types of package model to the messages of
// proto/simulator.proto and back, field by field; the stream's order, counts
// and chunking are in internal/stream and internal/chunk. Decoding never
// fails: a field a peer leaves out is its zero value, and the host judges
// the forecast as a whole (CheckForecast). Lists of the forecast come back
// empty rather than nil, as its JSON shows them; lists of the request come
// back nil when empty.

func timestamp(t time.Time) *timestamppb.Timestamp {
	return &timestamppb.Timestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())} //nolint:gosec // 0 ≤ ns < 1e9
}

func optTimestamp(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamp(*t)
}

// fromTimestamp is the instant of ts in UTC; the zero time when absent.
func fromTimestamp(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return time.Unix(ts.GetSeconds(), int64(ts.GetNanos())).UTC()
}

// optFromTimestamp is fromTimestamp for a time that may be absent, carved
// out of slab (which has room) instead of allocated alone.
func optFromTimestamp(ts *timestamppb.Timestamp, slab *[]time.Time) *time.Time {
	if ts == nil {
		return nil
	}
	*slab = append(*slab, fromTimestamp(ts))
	return &(*slab)[len(*slab)-1]
}

func regionLists(lists [][]string) []*pb.RegionList {
	if len(lists) == 0 {
		return nil
	}
	out := make([]*pb.RegionList, len(lists))
	for i, l := range lists {
		out[i] = &pb.RegionList{Regions: l}
	}
	return out
}

func fromRegionLists(lists []*pb.RegionList) [][]string {
	if len(lists) == 0 {
		return nil
	}
	out := make([][]string, len(lists))
	for i, l := range lists {
		out[i] = nilIfEmpty(l.GetRegions())
	}
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func window(w model.Window) *pb.Window { return &pb.Window{Start: w.Start, End: w.End} }

func fromWindow(w *pb.Window) model.Window { return model.Window{Start: w.GetStart(), End: w.GetEnd()} }

func settings(s model.Settings) *pb.Settings {
	return &pb.Settings{
		AssessmentIntervalHours: s.AssessmentIntervalHours,
		EnablementMinutes:       int64(s.EnablementMinutes),
		HealthThreshold:         s.HealthThreshold,
		PhaseBakeHours:          s.PhaseBakeHours,
		PhaseHours:              s.PhaseHours,
		HaltHours:               s.HaltHours,
		BatchShare:              s.BatchShare,
		DeadlineDays:            int64(s.DeadlineDays),
	}
}

func fromSettings(s *pb.Settings) model.Settings {
	out := model.Settings{
		AssessmentIntervalHours: s.GetAssessmentIntervalHours(),
		EnablementMinutes:       int(s.GetEnablementMinutes()),
		HealthThreshold:         s.GetHealthThreshold(),
		PhaseBakeHours:          s.GetPhaseBakeHours(),
		PhaseHours:              s.GetPhaseHours(),
		BatchShare:              s.GetBatchShare(),
		DeadlineDays:            int(s.GetDeadlineDays()),
	}
	if s != nil && s.HaltHours != nil {
		h := *s.HaltHours
		out.HaltHours = &h
	}
	return out
}

// requestHeader is the header of req: everything but its VMs.
func requestHeader(req *model.Request) *pb.RequestHeader {
	fl := &req.Fleet
	h := &pb.RequestHeader{
		VmCount: uint64(len(fl.VMs)),
		Fleet: &pb.Fleet{
			Release:        &pb.Release{Month: fl.Release.Month, Date: timestamp(fl.Release.Date)},
			Settings:       settings(fl.Settings),
			Phases:         regionLists(fl.Phases),
			DefaultOffPeak: window(fl.DefaultOffPeak),
		},
		Seed:                    req.Seed,
		Trials:                  int64(req.Trials),
		Profile:                 req.Profile,
		SupportedImages:         req.SupportedImages,
		WindowsNeedsAutoUpdates: req.WindowsNeedsAutoUpdates,
		AvailabilitySetCap:      req.AvailabilitySetCap,
		DefaultPhases:           regionLists(req.DefaultPhases),
		MinLinuxAgent:           req.MinLinuxAgent,
		DefaultPatchModes: &pb.DefaultPatchModes{
			Windows:                    req.DefaultPatchModes.Windows,
			Linux:                      req.DefaultPatchModes.Linux,
			WindowsAutomaticUpdatesOff: req.DefaultPatchModes.WindowsAutomaticUpdatesOff,
		},
	}
	for _, r := range fl.Regions {
		h.Fleet.Regions = append(h.Fleet.Regions, &pb.DeclaredRegion{Name: r.Name, PairedRegion: r.PairedRegion, HasAvailabilityZones: r.HasAvailabilityZones})
	}
	for _, p := range req.ImagePatterns {
		h.ImagePatterns = append(h.ImagePatterns, &pb.ImagePattern{Publisher: p.Publisher, Offer: p.Offer, SkuRegex: p.SkuRegex})
	}
	if len(req.RegionPairs) > 0 {
		h.RegionPairs = make(map[string]*pb.RegionList, len(req.RegionPairs))
		for region, pairs := range req.RegionPairs {
			h.RegionPairs[region] = &pb.RegionList{Regions: pairs}
		}
	}
	return h
}

// fromRequestHeader is the request of h, without its VMs.
func fromRequestHeader(h *pb.RequestHeader) model.Request {
	fl := h.GetFleet()
	req := model.Request{
		Fleet: model.Fleet{
			Release:        model.Release{Month: fl.GetRelease().GetMonth(), Date: fromTimestamp(fl.GetRelease().GetDate())},
			Settings:       fromSettings(fl.GetSettings()),
			Phases:         fromRegionLists(fl.GetPhases()),
			DefaultOffPeak: fromWindow(fl.GetDefaultOffPeak()),
		},
		Seed:                    h.GetSeed(),
		Trials:                  int(h.GetTrials()),
		Profile:                 h.GetProfile(),
		SupportedImages:         nilIfEmpty(h.GetSupportedImages()),
		WindowsNeedsAutoUpdates: h.GetWindowsNeedsAutoUpdates(),
		AvailabilitySetCap:      h.GetAvailabilitySetCap(),
		DefaultPhases:           fromRegionLists(h.GetDefaultPhases()),
		MinLinuxAgent:           h.GetMinLinuxAgent(),
		DefaultPatchModes: model.DefaultPatchModes{
			Windows:                    h.GetDefaultPatchModes().GetWindows(),
			Linux:                      h.GetDefaultPatchModes().GetLinux(),
			WindowsAutomaticUpdatesOff: h.GetDefaultPatchModes().GetWindowsAutomaticUpdatesOff(),
		},
	}
	for _, r := range fl.GetRegions() {
		req.Fleet.Regions = append(req.Fleet.Regions, model.DeclaredRegion{Name: r.GetName(), PairedRegion: r.GetPairedRegion(), HasAvailabilityZones: r.GetHasAvailabilityZones()})
	}
	for _, p := range h.GetImagePatterns() {
		req.ImagePatterns = append(req.ImagePatterns, model.ImagePattern{Publisher: p.GetPublisher(), Offer: p.GetOffer(), SkuRegex: p.GetSkuRegex()})
	}
	if len(h.GetRegionPairs()) > 0 {
		req.RegionPairs = make(map[string][]string, len(h.GetRegionPairs()))
		for region, pairs := range h.GetRegionPairs() {
			req.RegionPairs[region] = nilIfEmpty(pairs.GetRegions())
		}
	}
	return req
}

// vmMessages makes the messages of vms, refilling those of reuse (a chunk
// already sent) when there are enough; new ones are allocated with their
// parts together.
func vmMessages(vms []model.VM, reuse []*pb.Vm) []*pb.Vm {
	out := reuse
	if cap(out) < len(vms) {
		out = make([]*pb.Vm, len(vms))
		msgs := make([]pb.Vm, len(vms))
		images := make([]pb.Image, len(vms))
		windows := make([]pb.Window, len(vms))
		for i := range out {
			out[i] = &msgs[i]
			out[i].Image, out[i].OffPeak = &images[i], &windows[i]
		}
	}
	out = out[:len(vms)]
	for i := range vms {
		v, m := &vms[i], out[i]
		m.Name = v.Name
		m.Subscription = v.Subscription
		m.Region = v.Region
		m.Zone = v.Zone
		m.AvailabilitySet = v.AvailabilitySet
		m.UpdateDomain = int64(v.UpdateDomain)
		m.Os = v.OS
		m.Image.Publisher, m.Image.Offer, m.Image.Sku = v.Image.Publisher, v.Image.Offer, v.Image.Sku
		m.CustomImage = v.CustomImage
		m.PatchMode = v.PatchMode
		m.EnableAutomaticUpdates = v.EnableAutomaticUpdates
		m.AgentVersion = v.AgentVersion
		m.TimeZone = v.TimeZone
		m.OffPeak.Start, m.OffPeak.End = v.OffPeak.Start, v.OffPeak.End
		m.PowerSchedule, m.PowerOff = nil, nil
		for _, p := range v.PowerSchedule {
			m.PowerSchedule = append(m.PowerSchedule, &pb.PowerWindow{Days: p.Days, Start: p.Start, End: p.End})
		}
		for _, o := range v.PowerOff {
			m.PowerOff = append(m.PowerOff, &pb.Outage{FromDate: o.From, ToDate: o.To})
		}
		m.InstallMinutes = int64(v.InstallMinutes)
		m.FailureProbability = v.FailureProbability
		m.UnhealthyProbability = v.UnhealthyProbability
		m.Enablement = v.Enablement
	}
	return out
}

// fromVMMessages fills out with the VMs of msgs.
func fromVMMessages(msgs []*pb.Vm, out []model.VM) {
	for i, m := range msgs {
		img := m.GetImage()
		v := &out[i]
		*v = model.VM{
			Name:                   m.GetName(),
			Subscription:           m.GetSubscription(),
			Region:                 m.GetRegion(),
			Zone:                   m.GetZone(),
			AvailabilitySet:        m.GetAvailabilitySet(),
			UpdateDomain:           int(m.GetUpdateDomain()),
			OS:                     m.GetOs(),
			Image:                  model.Image{Publisher: img.GetPublisher(), Offer: img.GetOffer(), Sku: img.GetSku()},
			CustomImage:            m.GetCustomImage(),
			PatchMode:              m.GetPatchMode(),
			EnableAutomaticUpdates: m.GetEnableAutomaticUpdates(),
			AgentVersion:           m.GetAgentVersion(),
			TimeZone:               m.GetTimeZone(),
			OffPeak:                fromWindow(m.GetOffPeak()),
			InstallMinutes:         int(m.GetInstallMinutes()),
			FailureProbability:     m.GetFailureProbability(),
			UnhealthyProbability:   m.GetUnhealthyProbability(),
			Enablement:             m.GetEnablement(),
		}
		if ps := m.GetPowerSchedule(); len(ps) > 0 {
			v.PowerSchedule = make([]model.PowerWindow, len(ps))
			for j, p := range ps {
				v.PowerSchedule[j] = model.PowerWindow{Days: nilIfEmpty(p.GetDays()), Start: p.GetStart(), End: p.GetEnd()}
			}
		}
		if po := m.GetPowerOff(); len(po) > 0 {
			v.PowerOff = make([]model.Outage, len(po))
			for j, o := range po {
				v.PowerOff[j] = model.Outage{From: o.GetFromDate(), To: o.GetToDate()}
			}
		}
	}
}

// resultMessages makes the messages of results, refilling those of reuse
// (a chunk already sent) and their times when there are enough; new ones
// are allocated together.
func resultMessages(results []model.VMResult, reuse []*pb.VmResult) []*pb.VmResult {
	out := reuse
	if cap(out) < len(results) {
		out = make([]*pb.VmResult, len(results))
		msgs := make([]pb.VmResult, len(results))
		for i := range out {
			out[i] = &msgs[i]
		}
	}
	out = out[:len(results)]
	var times timestamps
	for _, m := range out {
		times.keep(m.AssessedAt, m.InstallStart, m.InstallEnd)
	}
	for i := range results {
		r, m := &results[i], out[i]
		m.Name = r.Name
		m.Region = r.Region
		m.Zone = r.Zone
		m.AvailabilitySet = r.AvailabilitySet
		m.UpdateDomain = int64(r.UpdateDomain)
		m.Phase = int64(r.Phase)
		m.Eligible = r.Eligible
		m.AssessedAt = times.at(r.AssessedAt)
		m.InstallStart = times.at(r.InstallStart)
		m.InstallEnd = times.at(r.InstallEnd)
		m.InstallWindows = int64(r.InstallWindows)
		m.CatchUp = r.CatchUp
		m.LocalInstall = r.LocalInstall
		m.Attempts = int64(r.Attempts)
		m.DaysAfterRelease = r.DaysAfterRelease
		m.Compliant = r.Compliant
		m.Reason = r.Reason
	}
	return out
}

// timestamps hands out the Timestamp messages of a chunk of results: first
// those a chunk already sent held, then new ones allocated together.
type timestamps struct {
	spare []*timestamppb.Timestamp
	slab  []timestamppb.Timestamp
}

// keep adds the times of a message to refill.
func (ts *timestamps) keep(times ...*timestamppb.Timestamp) {
	for _, t := range times {
		if t != nil {
			ts.spare = append(ts.spare, t)
		}
	}
}

// at is the message of t, nil for nil.
func (ts *timestamps) at(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	var m *timestamppb.Timestamp
	if n := len(ts.spare); n > 0 {
		m, ts.spare = ts.spare[n-1], ts.spare[:n-1]
	} else {
		if len(ts.slab) == 0 {
			ts.slab = make([]timestamppb.Timestamp, 1024)
		}
		m, ts.slab = &ts.slab[0], ts.slab[1:]
	}
	m.Seconds, m.Nanos = t.Unix(), int32(t.Nanosecond()) //nolint:gosec // 0 ≤ ns < 1e9
	return m
}

// fromResultMessages fills out with the results of msgs; the times and day
// counts they point to share one slab each.
func fromResultMessages(msgs []*pb.VmResult, out []model.VMResult) {
	times := make([]time.Time, 0, 3*len(msgs))
	days := make([]float64, 0, len(msgs))
	for i, m := range msgs {
		r := &out[i]
		*r = model.VMResult{
			Name:            m.GetName(),
			Region:          m.GetRegion(),
			Zone:            m.GetZone(),
			AvailabilitySet: m.GetAvailabilitySet(),
			UpdateDomain:    int(m.GetUpdateDomain()),
			Phase:           int(m.GetPhase()),
			Eligible:        m.GetEligible(),
			AssessedAt:      optFromTimestamp(m.GetAssessedAt(), &times),
			InstallStart:    optFromTimestamp(m.GetInstallStart(), &times),
			InstallEnd:      optFromTimestamp(m.GetInstallEnd(), &times),
			InstallWindows:  int(m.GetInstallWindows()),
			CatchUp:         m.GetCatchUp(),
			LocalInstall:    m.GetLocalInstall(),
			Attempts:        int(m.GetAttempts()),
			Compliant:       m.GetCompliant(),
			Reason:          m.GetReason(),
		}
		if m.DaysAfterRelease != nil {
			days = append(days, *m.DaysAfterRelease)
			r.DaysAfterRelease = &days[len(days)-1]
		}
	}
}

func stepMessages(steps []model.Step) []*pb.Step {
	out := make([]*pb.Step, len(steps))
	for i, s := range steps {
		out[i] = &pb.Step{Phase: int64(s.Phase), Region: s.Region, Group: s.Group, Start: timestamp(s.Start), End: timestamp(s.End), Vms: s.VMs}
	}
	return out
}

func fromStepMessages(msgs []*pb.Step) []model.Step {
	out := make([]model.Step, len(msgs))
	for i, m := range msgs {
		out[i] = model.Step{
			Phase: int(m.GetPhase()), Region: m.GetRegion(), Group: m.GetGroup(),
			Start: fromTimestamp(m.GetStart()), End: fromTimestamp(m.GetEnd()), VMs: emptyIfNil(m.GetVms()),
		}
	}
	return out
}

func description(d model.Description) *pb.DescribeResponse {
	return &pb.DescribeResponse{Name: d.Name, Version: d.Version, ProtocolVersion: int32(d.ProtocolVersion)} //nolint:gosec // a small version number
}

func fromDescription(d *pb.DescribeResponse) model.Description {
	return model.Description{Name: d.GetName(), Version: d.GetVersion(), ProtocolVersion: int(d.GetProtocolVersion())}
}

// forecastTrailer is the trailer of f: everything but its plan and VM
// results (the counts are the stream's).
func forecastTrailer(f *model.Forecast) *pb.ForecastTrailer {
	t := &pb.ForecastTrailer{
		Simulator: description(f.Simulator),
		Release:   timestamp(f.Release),
		Deadline:  timestamp(f.Deadline),
		Seed:      f.Seed,
		Trials:    int64(f.Trials),
	}
	for _, p := range f.Phases {
		t.Phases = append(t.Phases, &pb.Phase{
			Index: int64(p.Index), Regions: p.Regions, Start: optTimestamp(p.Start), End: optTimestamp(p.End),
			Status: p.Status, Vms: int64(p.VMs), Patched: int64(p.Patched), Unhealthy: int64(p.Unhealthy),
		})
	}
	for _, c := range f.Curve {
		t.Curve = append(t.Curve, &pb.CurvePoint{Day: int64(c.Day), Compliant: c.Compliant, P10: c.P10, P50: c.P50, P90: c.P90})
	}
	for _, r := range f.Regions {
		t.Regions = append(t.Regions, &pb.RegionSummary{Region: r.Region, Phase: int64(r.Phase), Vms: int64(r.VMs), Eligible: int64(r.Eligible), Compliant: int64(r.Compliant)})
	}
	if a := f.Assumptions; a != nil {
		t.Assumptions = &pb.Assumptions{Profile: a.Profile, Plan: a.Plan, DefaultOffPeak: window(a.DefaultOffPeak), Settings: settings(a.Settings)}
	}
	return t
}

// fromForecastTrailer is the forecast of t, without its plan and results.
func fromForecastTrailer(t *pb.ForecastTrailer) *model.Forecast {
	f := &model.Forecast{
		Simulator: fromDescription(t.GetSimulator()),
		Release:   fromTimestamp(t.GetRelease()),
		Deadline:  fromTimestamp(t.GetDeadline()),
		Seed:      t.GetSeed(),
		Trials:    int(t.GetTrials()),
		Phases:    make([]model.Phase, 0, len(t.GetPhases())),
		Curve:     make([]model.CurvePoint, 0, len(t.GetCurve())),
		Regions:   make([]model.RegionSummary, 0, len(t.GetRegions())),
	}
	for _, p := range t.GetPhases() {
		slab := make([]time.Time, 0, 2)
		f.Phases = append(f.Phases, model.Phase{
			Index: int(p.GetIndex()), Regions: emptyIfNil(p.GetRegions()),
			Start: optFromTimestamp(p.GetStart(), &slab), End: optFromTimestamp(p.GetEnd(), &slab),
			Status: p.GetStatus(), VMs: int(p.GetVms()), Patched: int(p.GetPatched()), Unhealthy: int(p.GetUnhealthy()),
		})
	}
	for _, c := range t.GetCurve() {
		f.Curve = append(f.Curve, model.CurvePoint{Day: int(c.GetDay()), Compliant: c.GetCompliant(), P10: c.GetP10(), P50: c.GetP50(), P90: c.GetP90()})
	}
	for _, r := range t.GetRegions() {
		f.Regions = append(f.Regions, model.RegionSummary{Region: r.GetRegion(), Phase: int(r.GetPhase()), VMs: int(r.GetVms()), Eligible: int(r.GetEligible()), Compliant: int(r.GetCompliant())})
	}
	if a := t.GetAssumptions(); a != nil {
		f.Assumptions = &model.Assumptions{Profile: a.GetProfile(), Plan: a.GetPlan(), DefaultOffPeak: fromWindow(a.GetDefaultOffPeak()), Settings: fromSettings(a.GetSettings())}
	}
	return f
}
