//go:build e2e

package e2e

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The function's memory is reported three ways:
//
//   - VmHWM, the kernel's peak resident set since the process started (so
//     it includes the install phase), the figure issue 17's 64 MiB budget
//     is about (checkFunctionFootprint asserts it);
//   - its parts, sampled every 100 ms from apply to the end of the run (a
//     spike between two samples is missed): anonymous memory (the Go heap,
//     stacks, runtime metadata and the package data the program wrote: what
//     a container's memory limit can run out of) and file pages (the
//     executable's code and read-only data, mapped from the file: clean
//     pages the kernel can drop and read again under memory pressure), and
//     the peak of their sum;
//   - how much of each mapping of the executable is resident.
//
// Scenarios restart the function: the sampled peaks span every process
// that played it, VmHWM and the residency describe the current one.

// residentSet is one reading of /proc/<pid>/status, in kB.
type residentSet struct{ anon, file int }

func (rs residentSet) sum() int { return rs.anon + rs.file }

// statusKB reads the "Name: N kB" lines of /proc/<pid>/status.
func statusKB(pid int) (map[string]int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, false
	}
	out := map[string]int{}
	for _, l := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(l, ":")
		if v, isKB := strings.CutSuffix(strings.TrimSpace(value), " kB"); ok && isKB {
			if kb, err := strconv.Atoi(v); err == nil {
				out[name] = kb
			}
		}
	}
	return out, true
}

func readResidentSet(pid int) (residentSet, bool) {
	kb, ok := statusKB(pid)
	return residentSet{anon: kb["RssAnon"], file: kb["RssFile"]}, ok
}

// vmHWM is the peak resident set of a process in kB, from /proc/<pid>/status.
func vmHWM(pid int) (int, bool) {
	kb, ok := statusKB(pid)
	v, has := kb["VmHWM"]
	return v, ok && has
}

// functionBudgetKB is issue 17's bound on the function's peak resident set
// during make e2e: 64 MiB.
const functionBudgetKB = 64 << 10

// checkFunctionFootprint fails the test if the function's resident set went
// over functionBudgetKB: the kernel's peak of the current process, and the
// highest 100 ms sample of every process that played the function. Runs
// that measure another environment of the function (E2E_FUNCTION_ENV, say
// without GOMEMLIMIT) only report it.
func (h *harness) checkFunctionFootprint(t *testing.T, when string) {
	t.Helper()
	report := t.Errorf
	if os.Getenv("E2E_FUNCTION_ENV") != "" {
		report = t.Logf
	}
	pids := pidOf(h.function())
	if len(pids) == 0 {
		t.Errorf("function-gokinjo is not running %s: no peak resident set to check", when)
	}
	for _, pid := range pids {
		if v, ok := vmHWM(pid); ok && v > functionBudgetKB {
			report("function-gokinjo peak resident set (VmHWM) %s: %d kB, over the %d kB budget (docs/operations.md, the function's footprint)", when, v, functionBudgetKB)
		}
	}
	if peak := h.fnPeaks.highest(); peak.sum() > functionBudgetKB {
		report("function-gokinjo resident set sampled at %d kB (anonymous %d + file pages %d) before %s, over the %d kB budget", peak.sum(), peak.anon, peak.file, when, functionBudgetKB)
	}
}

// residentPeaks keeps the highest anonymous and file parts seen of the
// function, whichever process plays it (scenarios restart it).
type residentPeaks struct {
	mu              sync.Mutex
	anon, file, sum residentSet // the readings with the highest anon part, file part and sum
	samples         int
}

// sampleFunction reads the function's resident set every 100 ms until
// stop is called.
func (h *harness) sampleFunction() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			for _, pid := range pidOf(h.function()) {
				if rs, ok := readResidentSet(pid); ok {
					h.fnPeaks.add(rs)
				}
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (p *residentPeaks) add(rs residentSet) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.samples++
	if rs.anon > p.anon.anon {
		p.anon = rs
	}
	if rs.file > p.file.file {
		p.file = rs
	}
	if rs.sum() > p.sum.sum() {
		p.sum = rs
	}
}

// highest is the reading with the highest sum so far.
func (p *residentPeaks) highest() residentSet {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sum
}

func (p *residentPeaks) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("peak %d kB (anonymous %d + file pages %d), anonymous peak %d kB (file pages then %d kB), file pages peak %d kB (anonymous then %d kB), %d samples",
		p.sum.sum(), p.sum.anon, p.sum.file, p.anon.anon, p.anon.file, p.file.file, p.file.anon, p.samples)
}

func (h *harness) memoryFigures(when string) {
	for _, p := range []struct {
		name string
		pids []int
	}{
		{"crossplane", pidOf(h.crossplane)},
		{"function-gokinjo", pidOf(h.function())},
		{"kube-apiserver", pidsByComm("kube-apiserver")},
		{"etcd", pidsByComm("etcd")},
	} {
		for _, pid := range p.pids {
			v := "n/a"
			if kb, ok := vmHWM(pid); ok {
				v = fmt.Sprintf("%d kB", kb)
			}
			h.figs.add("peak memory (VmHWM) %-16s %s: %s", p.name, when, v)
		}
	}
	h.figs.add("function-gokinjo resident set from apply to %s (100 ms samples): %s", when, h.fnPeaks.String())
	for _, pid := range pidOf(h.function()) {
		h.figs.add("function-gokinjo binary pages resident %s: %s", when, binaryResidency(pid))
	}
}

// binaryResidency says how much of each mapping of the executable is
// resident, and how much of that in whole 64 KiB blocks: a read fault on a
// file mapping also maps the pages of the 64 KiB-aligned block around it
// that are in the page cache (the kernel's fault-around), so code touched
// once, by a package's init say, stays resident in whole blocks. From
// /proc/<pid>/maps and pagemap (bit 63: present).
func binaryResidency(pid int) string {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return "n/a"
	}
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return "n/a"
	}
	pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return "n/a"
	}
	defer pm.Close()
	page := uint64(os.Getpagesize())
	blockPages := uint64(64<<10) / page
	var parts []string
	for _, line := range strings.Split(string(maps), "\n") {
		// address perms offset dev inode path: the path is the rest.
		f := strings.SplitN(line, " ", 6)
		if len(f) < 6 || strings.TrimSpace(f[5]) != exe {
			continue
		}
		var start, end uint64
		if _, err := fmt.Sscanf(f[0], "%x-%x", &start, &end); err != nil {
			continue
		}
		first, n := start/page, (end-start)/page
		buf := make([]byte, 8*n)
		if _, err := pm.ReadAt(buf, int64(first*8)); err != nil && err != io.EOF {
			return "n/a: " + err.Error()
		}
		present, inWhole := uint64(0), uint64(0)
		perBlock := map[uint64]uint64{}
		for i := uint64(0); i < n; i++ {
			if binary.LittleEndian.Uint64(buf[8*i:])>>63 == 1 {
				present++
				perBlock[(first+i)/blockPages]++
			}
		}
		for _, c := range perBlock {
			if c == blockPages {
				inWhole += c
			}
		}
		parts = append(parts, fmt.Sprintf("%s %d of %d kB (%d of %d pages in whole 64 KiB blocks)",
			f[1], present*page/1024, n*page/1024, inWhole, present))
	}
	if len(parts) == 0 {
		return "n/a: no mapping of " + exe
	}
	return strings.Join(parts, ", ")
}
