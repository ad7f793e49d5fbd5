// Package platform is everything in the trainstatus CLI that differs by operating system: the
// signals `trainstatus run` passes on to the command it wraps and how, how that command's end is
// put in words, the CLI's own stop signals, and the terminal (its width, a prompt without echo).
//
// The rest of the CLI, and every package of this module it links, is the same code on every
// system: cmd/trainstatus TestPlatformCodeIsHere checks that (no build-constrained file, no
// syscall, golang.org/x/sys or golang.org/x/term import anywhere else), so that vetting this
// small package for the other systems (TestCrossBuild, seconds) covers what a vet of the whole CLI
// for each of them (the AWS SDK compiled afresh per target, over a minute of CPU each) would.
// `make cross` still builds and vets the whole CLI for all six system and architecture pairs.
package platform
