// Command nnhls turns trained neural networks into HLS C++ firmware and
// emulates that firmware bit for bit.
package main

import (
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the process exit code:
// 0 on success, 1 for a user error, 2 for an internal error.
func run(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "nnhls: internal error: %v\n", r)
			code = 2
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "nnhls: %v\n", err)
		return 1
	}
	return 0
}
