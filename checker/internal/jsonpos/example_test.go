package jsonpos_test

import (
	"fmt"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
)

func Example() {
	src := []byte(`{
  // ARM accepts comments and trailing commas.
  "resources": [
    {"type": "Microsoft.Compute/virtualMachines", "Name": "vm1",},
  ],
}`)
	doc, err := jsonpos.Parse("main.json", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	res := doc.Root.Get("resources").Items[0]
	m := res.GetMember("name") // case-insensitive
	line, col := doc.Position(m.KeyOffset)
	fmt.Printf("%s at %d:%d = %q\n", m.Key, line, col, m.Value.Str)

	_, err = jsonpos.Parse("bad.json", []byte("{\n  \"a\": 1\n  \"b\": 2\n}"))
	fmt.Println(err)
	// Output:
	// Name at 4:51 = "vm1"
	// bad.json:3:3: expected ',' or '}' after object member, found '"'
}
