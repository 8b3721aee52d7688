// Package browsertest drives the web app in a real headless Chromium against
// the real API and a seeded PostGIS (see browser_test.go). It has no
// non-test code.
package browsertest
