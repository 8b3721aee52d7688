//go:build e2e

package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The function's memory is reported two ways:
//
//   - VmHWM, the kernel's peak resident set, the figure issue 17's 64 MiB
//     target is about;
//   - its two parts, sampled every 100 ms from apply to the end of the run:
//     anonymous memory (the Go heap, stacks and runtime: what a container's
//     memory limit can run out of) and file pages (the function binary's
//     code and read-only data, mapped from the executable: clean pages the
//     kernel drops and re-reads under memory pressure). VmHWM is their
//     peak sum, so the split tells which part a change moved.

// residentSet is one reading of /proc/<pid>/status, in kB.
type residentSet struct{ anon, file int }

func readResidentSet(pid int) (residentSet, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return residentSet{}, false
	}
	var rs residentSet
	for _, l := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(value), " kB"))
		switch name {
		case "RssAnon":
			rs.anon = kb
		case "RssFile":
			rs.file = kb
		}
	}
	return rs, true
}

// vmHWM is the peak resident set of a process, from /proc/<pid>/status.
func vmHWM(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "n/a"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.Join(strings.Fields(strings.TrimPrefix(l, "VmHWM:")), " ")
		}
	}
	return "n/a"
}

// residentPeaks keeps the highest anonymous and file parts seen of the
// function, whichever process plays it (scenarios restart it).
type residentPeaks struct {
	mu         sync.Mutex
	anon, file residentSet // the readings with the highest anon and file parts
	samples    int
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
			for _, pid := range pidOf(h.fn) {
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
}

func (p *residentPeaks) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("anonymous peak %d kB (file pages then %d kB), file pages peak %d kB (anonymous then %d kB), %d samples",
		p.anon.anon, p.anon.file, p.file.file, p.file.anon, p.samples)
}

func (h *harness) memoryFigures(when string) {
	for _, p := range []struct {
		name string
		pids []int
	}{
		{"crossplane", pidOf(h.crossplane)},
		{"function-gokinjo", pidOf(h.fn)},
		{"kube-apiserver", pidsByComm("kube-apiserver")},
		{"etcd", pidsByComm("etcd")},
	} {
		for _, pid := range p.pids {
			h.figs.add("peak memory (VmHWM) %-16s %s: %s", p.name, when, vmHWM(pid))
		}
	}
	h.figs.add("function-gokinjo resident set from apply to %s (100 ms samples): %s", when, h.fnPeaks.String())
	for _, pid := range pidOf(h.fn) {
		h.figs.add("function-gokinjo binary pages resident %s: %s", when, binaryResidency(pid))
	}
}

// binaryResidency says how much of each mapping of the executable is
// resident, and in how many whole 64 KiB blocks: a page fault on a file
// mapping maps the 16 pages around it that are in the page cache (the
// kernel's fault-around), so code touched once, by a package's init say,
// stays resident in blocks of 64 KiB. From /proc/<pid>/maps and pagemap
// (bit 63: present).
func binaryResidency(pid int) string {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return "n/a"
	}
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return "n/a"
	}
	defer maps.Close()
	pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return "n/a"
	}
	defer pm.Close()
	const page, block = 4096, 16
	var parts []string
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[5] != exe {
			continue
		}
		var start, end uint64
		if _, err := fmt.Sscanf(f[0], "%x-%x", &start, &end); err != nil {
			continue
		}
		n := int((end - start) / page)
		buf := make([]byte, 8*n)
		if _, err := pm.ReadAt(buf, int64(start/page*8)); err != nil && err != io.EOF {
			return "n/a: " + err.Error()
		}
		present, full := 0, 0
		for b := 0; b < n; b += block {
			inBlock := 0
			for i := b; i < min(b+block, n); i++ {
				if binary.LittleEndian.Uint64(buf[8*i:])>>63 == 1 {
					inBlock++
				}
			}
			present += inBlock
			if inBlock == block {
				full++
			}
		}
		parts = append(parts, fmt.Sprintf("%s %d of %d kB (%d of %d pages in whole 64 KiB blocks)",
			f[1], present*page/1024, n*page/1024, full*block, present))
	}
	return strings.Join(parts, ", ")
}
