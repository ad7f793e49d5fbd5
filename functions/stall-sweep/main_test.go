package main

import (
	"os"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }
