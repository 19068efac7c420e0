package simulator

// The gRPC stubs in proto/ (simulator.pb.go, simulator_grpc.pb.go) are
// generated from proto/simulator.proto and committed, so building patchcheck
// needs no protoc. After editing the .proto, regenerate them from the
// repository root with
//
//	go generate ./plugins/simulator
//
// which runs, in plugins/simulator, the command of the directive below:
//
//	protoc --proto_path=proto --go_out=proto --go_opt=paths=source_relative --go-grpc_out=proto --go-grpc_opt=paths=source_relative simulator.proto
//
// It needs protoc and both Go generators on PATH; the committed code was made
// with these versions (matching google.golang.org/protobuf and grpc in go.mod):
//
//	apt-get install -y protobuf-compiler   # protoc 3.21.12
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2

//go:generate protoc --proto_path=proto --go_out=proto --go_opt=paths=source_relative --go-grpc_out=proto --go-grpc_opt=paths=source_relative simulator.proto
