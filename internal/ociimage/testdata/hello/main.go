// Command hello is the smallest main package, for the image build tests.
package main

func main() {}
