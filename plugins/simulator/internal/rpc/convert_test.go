package rpc

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	istream "github.com/patchcheck/patchcheck/plugins/simulator/internal/stream"
	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// wireStream is one direction of a Simulate stream in memory: each message
// is marshalled when sent and unmarshalled when received, as gRPC does.
type wireStream[M any, P interface {
	*M
	proto.Message
}] struct {
	mu   sync.Mutex
	msgs [][]byte
	next int
}

func (s *wireStream[M, P]) send(m P) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, b)
	return nil
}

func (s *wireStream[M, P]) recv() (P, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == len(s.msgs) {
		return nil, io.EOF
	}
	s.next++
	m := P(new(M))
	if err := proto.Unmarshal(s.msgs[s.next-1], m); err != nil {
		return nil, err
	}
	return m, nil
}

type requestStream = wireStream[pb.SimulateRequest, *pb.SimulateRequest]
type responseStream = wireStream[pb.SimulateResponse, *pb.SimulateResponse]

// sendRequest writes req to s as the host does.
func sendRequest(t testing.TB, s *requestStream, req model.Request) {
	t.Helper()
	err := istream.SendRequest(s.send, requestHeader(&req), func(from, to int, reuse []*pb.Vm) []*pb.Vm {
		return vmMessages(req.Fleet.VMs[from:to], reuse)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readRequest reads a request from s as the plugin side does.
func readRequest(s *requestStream) (model.Request, error) {
	h, err := istream.ReadHeader(s.recv)
	if err != nil {
		return model.Request{}, err
	}
	req := fromRequestHeader(h)
	if n := h.GetVmCount(); n > 0 {
		req.Fleet.VMs = make([]model.VM, n)
	}
	err = istream.ReadVMs(s.recv, h.GetVmCount(), func(first int, vms []*pb.Vm) error {
		fromVMMessages(vms, req.Fleet.VMs[first:])
		return nil
	})
	return req, err
}

// sendForecast writes f to s as the plugin side does for a request of vms
// VMs.
func sendForecast(t testing.TB, s *responseStream, f *model.Forecast, vms int) {
	t.Helper()
	sink := newForecastSink(s.send, vms)
	if err := sink.Plan(f.Plan); err != nil {
		t.Fatal(err)
	}
	if err := sink.VMs(f.VMs); err != nil {
		t.Fatal(err)
	}
	if err := sink.w.Finish(forecastTrailer(f)); err != nil {
		t.Fatal(err)
	}
}

// canonical is v with every empty slice and map made nil, for comparing
// values whose lists may come back empty or nil. It changes the lists v
// shares with it: compare with it last.
func canonical(v any) any {
	rv := reflect.New(reflect.TypeOf(v)).Elem()
	rv.Set(reflect.ValueOf(v))
	nilEmpty(rv)
	return rv.Interface()
}

func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				nilEmpty(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
		}
		for i := range v.Len() {
			nilEmpty(v.Index(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			nilEmpty(e)
			v.SetMapIndex(k, e)
		}
	}
}

// randomRequest draws every field of a request, each list sometimes empty
// and each optional value sometimes absent.
func randomRequest(rng *rand.Rand) model.Request {
	str := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return fmt.Sprintf("s%d-é✓", rng.IntN(1000))
	}
	strs := func() []string {
		var out []string
		for range rng.IntN(4) {
			out = append(out, str())
		}
		return out
	}
	lists := func() [][]string {
		var out [][]string
		for range rng.IntN(3) {
			out = append(out, strs())
		}
		return out
	}
	settings := func() model.Settings {
		s := model.Settings{
			AssessmentIntervalHours: rng.Float64() * 100, EnablementMinutes: rng.IntN(500) - 10,
			HealthThreshold: rng.Float64(), PhaseBakeHours: rng.NormFloat64() * 1e6, PhaseHours: rng.Float64(),
			BatchShare: -rng.Float64(), DeadlineDays: rng.IntN(60),
		}
		if rng.IntN(2) == 0 {
			h := []float64{0, math.Copysign(0, -1), rng.Float64() * 48}[rng.IntN(3)]
			s.HaltHours = &h
		}
		return s
	}
	req := model.Request{
		Fleet: model.Fleet{
			Release:        model.Release{Month: str(), Date: randomTime(rng)},
			Settings:       settings(),
			Phases:         lists(),
			DefaultOffPeak: model.Window{Start: str(), End: str()},
		},
		Seed:                    rng.Int64() - rng.Int64(),
		Trials:                  rng.IntN(100),
		Profile:                 str(),
		SupportedImages:         strs(),
		WindowsNeedsAutoUpdates: rng.IntN(2) == 0,
		AvailabilitySetCap:      rng.IntN(2) == 0,
		DefaultPhases:           lists(),
		MinLinuxAgent:           str(),
		DefaultPatchModes:       model.DefaultPatchModes{Windows: str(), Linux: str(), WindowsAutomaticUpdatesOff: str()},
	}
	for range rng.IntN(3) {
		req.Fleet.Regions = append(req.Fleet.Regions, model.DeclaredRegion{Name: str(), PairedRegion: str(), HasAvailabilityZones: rng.IntN(2) == 0})
		req.ImagePatterns = append(req.ImagePatterns, model.ImagePattern{Publisher: str(), Offer: str(), SkuRegex: str()})
	}
	if rng.IntN(3) > 0 {
		req.RegionPairs = map[string][]string{}
		for range rng.IntN(4) {
			req.RegionPairs[str()] = strs()
		}
	}
	for range []int{0, 1, 5, 3000}[rng.IntN(4)] {
		vm := model.VM{
			Name: str(), Subscription: str(), Region: str(), Zone: str(), AvailabilitySet: str(),
			UpdateDomain: rng.IntN(20), OS: str(), Image: model.Image{Publisher: str(), Offer: str(), Sku: str()},
			CustomImage: rng.IntN(2) == 0, PatchMode: str(), EnableAutomaticUpdates: rng.IntN(2) == 0,
			AgentVersion: str(), TimeZone: str(), OffPeak: model.Window{Start: str(), End: str()},
			InstallMinutes: rng.IntN(300) - 5, FailureProbability: rng.Float64(), UnhealthyProbability: rng.Float64(),
			Enablement: str(),
		}
		for range rng.IntN(3) {
			vm.PowerSchedule = append(vm.PowerSchedule, model.PowerWindow{Days: strs(), Start: str(), End: str()})
		}
		for range rng.IntN(3) {
			vm.PowerOff = append(vm.PowerOff, model.Outage{From: str(), To: str()})
		}
		req.Fleet.VMs = append(req.Fleet.VMs, vm)
	}
	return req
}

// randomTime is an instant in UTC with nanoseconds, or the zero time.
func randomTime(rng *rand.Rand) time.Time {
	if rng.IntN(10) == 0 {
		return time.Time{}
	}
	return time.Unix(rng.Int64N(1<<34)-1<<33, rng.Int64N(1e9)).UTC()
}

// randomForecast draws every field of a forecast for vms VMs.
func randomForecast(rng *rand.Rand, vms int) *model.Forecast {
	str := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return fmt.Sprintf("r%d-ü", rng.IntN(1000))
	}
	optTime := func() *time.Time {
		if rng.IntN(3) == 0 {
			return nil
		}
		t := randomTime(rng)
		return &t
	}
	f := &model.Forecast{
		Simulator: model.Description{Name: str(), Version: str(), ProtocolVersion: rng.IntN(10)},
		Release:   randomTime(rng), Deadline: randomTime(rng),
		Seed: rng.Int64() - rng.Int64(), Trials: rng.IntN(100),
	}
	for i := range rng.IntN(4) {
		var regions []string
		for range rng.IntN(3) {
			regions = append(regions, str())
		}
		f.Phases = append(f.Phases, model.Phase{Index: i, Regions: regions, Start: optTime(), End: optTime(), Status: str(), VMs: rng.IntN(100), Patched: rng.IntN(100), Unhealthy: -rng.IntN(3)})
	}
	for range rng.IntN(5) {
		var names []string
		for range []int{0, 2, 20000}[rng.IntN(3)] {
			names = append(names, str())
		}
		f.Plan = append(f.Plan, model.Step{Phase: rng.IntN(4), Region: str(), Group: str(), Start: randomTime(rng), End: randomTime(rng), VMs: names})
	}
	for range vms {
		r := model.VMResult{
			Name: str(), Region: str(), Zone: str(), AvailabilitySet: str(), UpdateDomain: rng.IntN(20),
			Phase: rng.IntN(5) - 1, Eligible: rng.IntN(2) == 0, AssessedAt: optTime(), InstallStart: optTime(), InstallEnd: optTime(),
			InstallWindows: rng.IntN(4), CatchUp: rng.IntN(2) == 0, LocalInstall: str(), Attempts: rng.IntN(5),
			Compliant: rng.IntN(2) == 0, Reason: str(),
		}
		if rng.IntN(3) > 0 {
			d := []float64{0, math.Copysign(0, -1), rng.Float64() * 30, math.MaxFloat64, math.SmallestNonzeroFloat64}[rng.IntN(5)]
			r.DaysAfterRelease = &d
		}
		f.VMs = append(f.VMs, r)
	}
	for d := range rng.IntN(40) {
		f.Curve = append(f.Curve, model.CurvePoint{Day: d, Compliant: rng.Float64(), P10: rng.Float64(), P50: rng.Float64(), P90: rng.Float64()})
	}
	for range rng.IntN(4) {
		f.Regions = append(f.Regions, model.RegionSummary{Region: str(), Phase: rng.IntN(5) - 1, VMs: rng.IntN(100), Eligible: rng.IntN(100), Compliant: rng.IntN(100)})
	}
	if rng.IntN(3) > 0 {
		a := &model.Assumptions{Profile: str(), Plan: str(), DefaultOffPeak: model.Window{Start: str(), End: str()}, Settings: model.Settings{DeadlineDays: rng.IntN(40)}}
		if rng.IntN(2) == 0 {
			h := rng.Float64()
			a.Settings.HaltHours = &h
		}
		f.Assumptions = a
	}
	return f
}

// TestRequestRoundTrip: a request comes out of the messages as it went in
// (lists that were empty may come back nil), for random values of every
// field, absent optional ones, empty fleets and fleets of several chunks.
func TestRequestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		req := randomRequest(rng)
		var s requestStream
		sendRequest(t, &s, req)
		got, err := readRequest(&s)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if !reflect.DeepEqual(canonical(req), canonical(got)) {
			t.Fatalf("request %d changed on the wire:\nsent %+v\ngot  %+v", i, req, got)
		}
		if h := req.Fleet.Settings.HaltHours; h != nil && math.Float64bits(*h) != math.Float64bits(*got.Fleet.Settings.HaltHours) {
			t.Fatalf("request %d: halt hours %v came back as %v", i, *h, *got.Fleet.Settings.HaltHours)
		}
	}
}

// TestForecastRoundTrip: a forecast comes out of the messages as it went
// in, for random values of every field, absent optional ones (times, day
// counts, assumptions, halt hours) and forecasts of several chunks; its
// lists come back as lists, never nil, as its JSON shows them.
func TestForecastRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		vms := []int{0, 1, 7, 5000}[rng.IntN(4)]
		f := randomForecast(rng, vms)
		var s responseStream
		sendForecast(t, &s, f, vms)
		got, err := receiveForecast(s.recv, vms)
		if err != nil {
			t.Fatalf("forecast %d: %v", i, err)
		}
		if got.Phases == nil || got.Plan == nil || got.VMs == nil || got.Curve == nil || got.Regions == nil {
			t.Fatalf("forecast %d: a list came back nil: %+v", i, got)
		}
		for _, p := range got.Phases {
			if p.Regions == nil {
				t.Fatalf("forecast %d: a phase's regions came back nil", i)
			}
		}
		for _, st := range got.Plan {
			if st.VMs == nil {
				t.Fatalf("forecast %d: a step's VMs came back nil", i)
			}
		}
		if !reflect.DeepEqual(canonical(*f), canonical(*got)) {
			t.Fatalf("forecast %d changed on the wire", i)
		}
		for j, r := range f.VMs {
			if d := r.DaysAfterRelease; d != nil && math.Float64bits(*d) != math.Float64bits(*got.VMs[j].DaysAfterRelease) {
				t.Fatalf("forecast %d: days after release %v came back as %v", i, *d, *got.VMs[j].DaysAfterRelease)
			}
		}
	}
}

// TestMessagesRefilled: messages refilled for another chunk (as the
// sending side does once a chunk is sent) equal messages made afresh for
// it, whatever the earlier chunk held: power schedules and times present
// in one and absent in the other, a longer chunk before a shorter one.
func TestMessagesRefilled(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vms := func(n int) []model.VM {
		var out []model.VM
		for len(out) < n {
			out = append(out, randomRequest(rng).Fleet.VMs...)
		}
		return out[:n]
	}
	for i := range 50 {
		before, after := vms(1+rng.IntN(20)), vms(1+rng.IntN(20))
		if len(after) > len(before) {
			before, after = after, before
		}
		got := vmMessages(after, vmMessages(before, nil))
		want := vmMessages(after, nil)
		if len(got) != len(want) {
			t.Fatalf("case %d: %d VM messages, want %d", i, len(got), len(want))
		}
		for j := range want {
			if !proto.Equal(got[j], want[j]) {
				t.Fatalf("case %d: refilled VM %d is\n%v\nwant\n%v", i, j, got[j], want[j])
			}
		}

		results := func(n int) []model.VMResult { return randomForecast(rng, n).VMs }
		rBefore, rAfter := results(1+rng.IntN(20)), results(1+rng.IntN(20))
		if len(rAfter) > len(rBefore) {
			rBefore, rAfter = rAfter, rBefore
		}
		gotR := resultMessages(rAfter, resultMessages(rBefore, nil))
		wantR := resultMessages(rAfter, nil)
		if len(gotR) != len(wantR) {
			t.Fatalf("case %d: %d result messages, want %d", i, len(gotR), len(wantR))
		}
		for j := range wantR {
			if !proto.Equal(gotR[j], wantR[j]) {
				t.Fatalf("case %d: refilled result %d is\n%v\nwant\n%v", i, j, gotR[j], wantR[j])
			}
		}
		// A refilled chunk shares no time with another message of its own.
		seen := map[*timestamppb.Timestamp]bool{}
		for _, m := range gotR {
			for _, ts := range []*timestamppb.Timestamp{m.AssessedAt, m.InstallStart, m.InstallEnd} {
				if ts != nil && seen[ts] {
					t.Fatalf("case %d: a time message used twice", i)
				}
				seen[ts] = true
			}
		}
	}
}

// TestNaNTravels: the wire does not hide a NaN or an infinity (a plugin's
// forecast arrives as it was sent), so simulator.CheckForecast, which the
// host runs on every forecast, sees it and refuses it (TestCheckForecast).
func TestNaNTravels(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		f := &model.Forecast{Trials: 1, VMs: []model.VMResult{{Name: "a", Compliant: true, DaysAfterRelease: &bad}}, Curve: []model.CurvePoint{{Day: 0, Compliant: 1, P10: 1, P50: 1, P90: 1}, {Day: 1, Compliant: bad, P10: 1, P50: 1, P90: 1}}}
		var s responseStream
		sendForecast(t, &s, f, 1)
		got, err := receiveForecast(s.recv, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := got.VMs[0].DaysAfterRelease; d == nil || math.Float64bits(*d) != math.Float64bits(bad) || math.Float64bits(got.Curve[1].Compliant) != math.Float64bits(bad) {
			t.Fatalf("%v did not survive the wire: %v, %v", bad, d, got.Curve[1].Compliant)
		}
	}
}

// withUnknownField is the marshalled m followed by fields this version of
// the .proto does not have (a newer peer's), of each wire type.
func withUnknownField(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	b = protowire.AppendTag(b, 900, protowire.BytesType)
	b = protowire.AppendString(b, "from a newer peer")
	b = protowire.AppendTag(b, 901, protowire.VarintType)
	b = protowire.AppendVarint(b, 7)
	b = protowire.AppendTag(b, 902, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, 1)
}

// embed is the marshalled message that holds inner (marshalled) as field.
func embed(field protowire.Number, inner []byte) []byte {
	b := protowire.AppendTag(nil, field, protowire.BytesType)
	return protowire.AppendBytes(b, inner)
}

// TestUnknownFieldsIgnored: fields and whole parts that a newer peer sends
// and this version does not know are skipped on both sides, and the request
// and forecast read are those without them.
func TestUnknownFieldsIgnored(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	req := randomRequest(rng)
	for len(req.Fleet.VMs) == 0 {
		req = randomRequest(rng)
	}
	// The plugin side: an unknown part before the header, unknown fields in
	// the header and in every VM and chunk, an unknown part between chunks.
	var in requestStream
	unknownPart := withUnknownField(t, &pb.SimulateRequest{})
	in.msgs = append(in.msgs, unknownPart, embed(1, withUnknownField(t, requestHeader(&req))))
	for _, vm := range vmMessages(req.Fleet.VMs, nil) {
		in.msgs = append(in.msgs, embed(3, withUnknownField(t, &pb.VmChunk{})), embed(3, embed(1, withUnknownField(t, vm))), unknownPart)
	}
	got, err := readRequest(&in)
	if err != nil {
		t.Fatalf("a request with unknown fields: %v", err)
	}
	if !reflect.DeepEqual(canonical(req), canonical(got)) {
		t.Fatalf("a request with unknown fields read differently")
	}

	// The host side: the same in the plan, the results and the trailer.
	f := randomForecast(rng, 3)
	var out responseStream
	unknownResponse := withUnknownField(t, &pb.SimulateResponse{})
	for _, st := range stepMessages(f.Plan) {
		out.msgs = append(out.msgs, embed(5, embed(1, withUnknownField(t, st))), unknownResponse)
	}
	for _, r := range resultMessages(f.VMs, nil) {
		out.msgs = append(out.msgs, embed(6, embed(1, withUnknownField(t, r))))
	}
	trailer := forecastTrailer(f)
	trailer.VmCount, trailer.PlanStepCount = uint64(len(f.VMs)), uint64(len(f.Plan))
	out.msgs = append(out.msgs, embed(4, withUnknownField(t, trailer)))
	gotF, err := receiveForecast(out.recv, 3)
	if err != nil {
		t.Fatalf("a forecast with unknown fields: %v", err)
	}
	if !reflect.DeepEqual(canonical(*f), canonical(*gotF)) {
		t.Fatalf("a forecast with unknown fields read differently")
	}
}

// TestBrokenForecastStreams: a forecast stream that does not hold what its
// trailer says, answers for a VM the request does not have, has parts out
// of order or cannot be parsed is an error naming what is wrong, never a
// forecast with results missing.
func TestBrokenForecastStreams(t *testing.T) {
	const n = 3
	marshal := func(m *pb.SimulateResponse) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	results := func(k int) []byte {
		return marshal(&pb.SimulateResponse{Part: &pb.SimulateResponse_Results{Results: &pb.VmResultChunk{Vms: resultMessages(make([]model.VMResult, k), nil)}}})
	}
	plan := marshal(&pb.SimulateResponse{Part: &pb.SimulateResponse_Plan{Plan: &pb.PlanChunk{Steps: stepMessages(make([]model.Step, 1))}}})
	trailer := func(vms, steps uint64) []byte {
		return marshal(&pb.SimulateResponse{Part: &pb.SimulateResponse_Trailer{Trailer: &pb.ForecastTrailer{VmCount: vms, PlanStepCount: steps}}})
	}
	empty := marshal(&pb.SimulateResponse{})
	for _, tc := range []struct {
		name string
		msgs [][]byte
		want string // "" for a forecast
	}{
		{"whole", [][]byte{plan, results(2), results(1), trailer(n, 1)}, ""},
		{"parts it does not know, skipped", [][]byte{empty, results(3), empty, trailer(n, 0)}, ""},
		{"nothing", nil, "sent no forecast"},
		{"no trailer", [][]byte{results(2), results(1)}, "ends without its trailer"},
		{"only parts it does not know", [][]byte{empty}, "ends without its trailer"},
		{"fewer results than the trailer says", [][]byte{results(2), trailer(n, 0)}, "counts 3 VM results, but 2 arrived"},
		{"more results than the trailer says", [][]byte{results(3), trailer(2, 0)}, "counts 2 VM results, but 3 arrived"},
		{"a result for a VM the request does not have", [][]byte{results(3), results(1), trailer(4, 0)}, "more VM results than the request's 3 VMs"},
		{"missing plan", [][]byte{results(3), trailer(n, 1)}, "counts 1 plan steps, but 0 arrived"},
		{"after the trailer", [][]byte{results(3), trailer(n, 0), plan}, "a message after the forecast's trailer"},
		{"garbled", [][]byte{results(3), {0x0a, 0x05, 0x01}}, "cannot parse"},
	} {
		s := &responseStream{msgs: tc.msgs}
		f, err := receiveForecast(s.recv, n)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "" && len(f.VMs) != n:
			t.Errorf("%s: %d results", tc.name, len(f.VMs))
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, %v; want an error saying %q", tc.name, f != nil, err, tc.want)
		}
	}
}
