package store

import (
	"strconv"
	"time"
)

// The safety score, in words: count the crimes of the last 12 months within
// 500 m of a school, weight each by its category's severity, and rank the
// school among all schools by that weighted sum. The score is the school's
// percentile, 100 for the least exposed school(s) and 0 for the most exposed:
//
//	score = round(100 x (1 - share of the other schools with a strictly smaller weighted sum))
//
// Ties share the better percentile, so schools with no crime nearby all score
// 100. Levels cut on quartiles. A town's score is the same percentile among
// towns of its weighted crimes per square kilometre.
//
// Why a percentile: with real densities (200,000 crimes in the 23 wards) every
// 500 m circle holds crimes, and any fixed "100 - k x count" saturates at 0
// for every school; a rank always spreads across the scale and says what a
// parent asks ("safer than 80% of schools"). The 12-month window ends at the
// newest crime in the data (not at now()), so a late load does not empty it.
const (
	SafetyRadiusMeters = 500
	ScoreWindow        = 12 // months, ending at the newest crime loaded
)

// Severity weighs a crime category; categories not listed weigh
// DefaultSeverity. Violence against people weighs most, petty theft least.
var Severity = map[string]float64{
	"assault":          5,
	"burglary":         4,
	"bag_snatching":    3,
	"pickpocketing":    2,
	"motorcycle_theft": 2,
	"vehicle_break_in": 2,
	"bicycle_theft":    1,
	"shoplifting":      1,
}

// DefaultSeverity weighs categories missing from Severity.
const DefaultSeverity = 1.0

// Level names a score's quartile.
func Level(score int) string {
	switch {
	case score >= 75:
		return "very_safe"
	case score >= 50:
		return "safe"
	case score >= 25:
		return "moderate"
	default:
		return "caution"
	}
}

// SafetyScore is one school's score.
type SafetyScore struct {
	SchoolID   int64   `json:"school_id"`
	SchoolName string  `json:"school_name"`
	SchoolType string  `json:"school_type"`
	WardCode   string  `json:"ward_code"`
	TownCode   string  `json:"town_code"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	// Crimes within 500 m in the 12-month window, and their severity sum.
	Crimes   int     `json:"crimes_within_500m"`
	Weighted float64 `json:"weighted_crimes"`
	Score    int     `json:"score"`
	Level    string  `json:"level"`
}

// Window is the scoring window: crimes after From up to and including To.
type Window struct {
	From, To time.Time
}

func severityArrays() ([]string, []float64) {
	cats := make([]string, 0, len(Severity))
	ws := make([]float64, 0, len(Severity))
	for c, w := range Severity {
		cats = append(cats, c)
		ws = append(ws, w)
	}
	return cats, ws
}

// The CTEs every score query shares: $1/$2 the severity table, w the window.
var scoreCTEs = `
	sev AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS t(category, weight)),
	w AS (SELECT max(occurred_at) AS newest,
	             max(occurred_at) - make_interval(months => ` + strconv.Itoa(ScoreWindow) + `) AS oldest
	      FROM crimes)`
