package synth

import (
	"math"
	"slices"
	"time"
)

// Dates that bound the data: no event after the reference date (the CDR's
// cdm_source.source_release_date); EHR records start no earlier than
// ehrEpoch; participants enroll from the program's launch on.
var (
	refDay    = dayOf(2025, time.July, 1)
	ehrEpoch  = dayOf(1995, time.January, 1)
	launchDay = dayOf(2017, time.May, 6)
)

// Event ids are person_id * idsPerPerson + a per-person sequence number, so
// that persons generated in parallel never share an id. A person has at
// most maxVisits visits and idsPerPerson-1 rows per event table.
const (
	idsPerPerson = 10_000
	maxVisits    = 999
)

// noDay marks an absent optional date.
const noDay = day(math.MinInt32)

type personRow struct {
	id, gender, race, ethnicity int64
	birth                       day
}

type periodRow struct {
	person     int64
	start, end day
}

type visitRow struct {
	id, person, concept int64
	start, end          day
	startSec, endSec    int32
}

type conditionRow struct {
	id, person, concept, source, visit int64
	start, end                         day
	sec                                int32
	code                               string
}

type drugRow struct {
	id, person, concept, visit int64
	start, end                 day
	sec, days, refills         int32
	quantity                   float64
	code                       string
}

type procedureRow struct {
	id, person, concept, visit int64
	date                       day
	sec                        int32
	code                       string
}

// measurementRow: value is NaN and valueConcept, unit are -1 when absent.
type measurementRow struct {
	id, person, concept, visit, typ int64
	source                          int64 // the source concept; 0 when it is concept
	valueConcept, unit              int64
	date                            day
	sec                             int32
	value, low, high                float64
	code, unitCode                  string
}

// observationRow: value is NaN and valueConcept -1 when absent.
type observationRow struct {
	id, person, concept, visit, typ int64
	valueConcept                    int64
	date                            day
	sec                             int32
	value                           float64
	code                            string
}

type deviceRow struct {
	id, person, concept, visit int64
	start, end                 day
	sec                        int32
	code                       string
}

type deathRow struct {
	person int64
	date   day
	sec    int32
	cause  int64 // -1 = unknown
}

// block holds the rows of a run of consecutive persons until they are
// written; it is reused from one run to the next.
type block struct {
	v       *vocabulary
	seed    int64
	density float64 // multiplies the rate of visits

	persons      []personRow
	periods      []periodRow
	visits       []visitRow
	conditions   []conditionRow
	drugs        []drugRow
	procedures   []procedureRow
	measurements []measurementRow
	observations []observationRow
	devices      []deviceRow
	deaths       []deathRow
}

func (b *block) reset() {
	b.persons = b.persons[:0]
	b.periods = b.periods[:0]
	b.visits = b.visits[:0]
	b.conditions = b.conditions[:0]
	b.drugs = b.drugs[:0]
	b.procedures = b.procedures[:0]
	b.measurements = b.measurements[:0]
	b.observations = b.observations[:0]
	b.devices = b.devices[:0]
	b.deaths = b.deaths[:0]
}

// chronic is a condition on a person's problem list.
type chronic struct {
	cond     int // index into vocabulary.conditions
	onset    day
	recorded bool
	drug     int // index into vocabulary.drugs; -1 = untreated
}

// person generates one person; fields are the state shared by the parts.
type person struct {
	b     *block
	v     *vocabulary
	id    int64
	male  bool
	race  int64
	hisp  int64
	birth day
	start day // first day EHR records may have
	end   day // death or the reference date
	dead  bool

	enrolled bool
	enroll   day
	hasEHR   bool
	frailty  float64
	problems []chronic
	effects  int
	smoking  int // index into the smoking answers

	sbp, hr, bmi, adultHeight float64

	seq      [8]int32 // per event table
	min, max day
}

// Event tables, for per-person id sequences.
const (
	seqCondition = iota
	seqDrug
	seqProcedure
	seqMeasurement
	seqObservation
	seqDevice
)

func (p *person) nextID(table int) (int64, bool) {
	if p.seq[table] >= idsPerPerson-1 {
		return 0, false
	}
	p.seq[table]++
	return p.id*idsPerPerson + int64(p.seq[table]), true
}

// touch widens the person's observed span to cover d.
func (p *person) touch(d day) {
	p.min = min(p.min, d)
	p.max = max(p.max, d)
}

// birthDecades weights birth decades 1930s .. 2010s, roughly the age mix
// of a research cohort that enrolls adults and has some children's records.
var birthDecades = newPicker([]float64{4, 9, 15, 16, 15, 15, 13, 8, 5})

// Race by ethnicity: many Hispanic people report no race category.
var (
	races         = []int64{raceWhite, raceBlack, raceAsian, raceAIAN, raceNHPI, noMatch}
	racesOther    = newPicker([]float64{70, 16, 7, 1, 0.3, 5.7})
	racesHispanic = newPicker([]float64{45, 3, 1, 1, 0.2, 49.8})
)

// generate appends the rows of person id to the block.
func (b *block) generate(id int64) {
	p := &person{b: b, v: b.v, id: id, min: day(math.MaxInt32), max: day(math.MinInt32)}
	p.demographics()
	if p.hasEHR {
		p.ehr()
	}
	if p.enrolled {
		p.surveys()
		p.physical()
	}
	if p.dead {
		r := newRNG(b.seed, id, streamHealth)
		cause := int64(-1)
		if len(p.problems) > 0 && r.chance(0.6) {
			cause = b.v.conditions[p.problems[r.intn(len(p.problems))].cond].id
		}
		b.deaths = append(b.deaths, deathRow{person: id, date: p.end, sec: int32(r.intn(86400)), cause: cause})
		p.touch(p.end)
	}
	b.periods = append(b.periods, periodRow{person: id, start: p.min, end: p.max})
}

func (p *person) demographics() {
	r := newRNG(p.b.seed, p.id, streamDemographics)
	p.male = r.chance(0.48)
	year := 1930 + 10*birthDecades.pick(&r) + r.intn(10)
	year = min(year, 2020)
	first := dayOf(year, time.January, 1)
	p.birth = first + day(r.intn(int(dayOf(year+1, time.January, 1)-first)))

	switch u := r.float(); {
	case u < 0.18:
		p.hisp = hispanic
	case u < 0.97:
		p.hisp = notHispanic
	default:
		p.hisp = noMatch
	}
	if p.hisp == hispanic {
		p.race = races[racesHispanic.pick(&r)]
	} else {
		p.race = races[racesOther.pick(&r)]
	}

	gender := int64(female)
	if p.male {
		gender = male
	}
	p.b.persons = append(p.b.persons, personRow{id: p.id, gender: gender, race: p.race, ethnicity: p.hisp, birth: p.birth})

	// Adults enroll in the program (surveys, physical measurements); most
	// also share EHR data. Those who never enroll have EHR data only.
	adult := p.birth.addYears(18)
	lo := max(launchDay, adult)
	if lo < refDay-30 && r.chance(0.9) {
		p.enrolled = true
		p.enroll = lo + day(r.intn(int(refDay-30-lo)))
	}
	p.hasEHR = !p.enrolled || r.chance(0.75)
	p.end = refDay
	if !p.hasEHR {
		return
	}
	// EHR histories start later for most people: electronic records spread
	// through the 2000s and 2010s.
	p.start = max(p.birth, ehrEpoch+day(float64(refDay-90-ehrEpoch)*math.Pow(r.float(), 0.7)))
	age := yearsBetween(p.birth, refDay)
	pDeath := min(0.5, 0.006*math.Exp(0.075*float64(age-40)))
	lo = p.start + 30
	if p.enrolled {
		lo = max(lo, p.enroll+30)
	}
	if lo < refDay && r.chance(pDeath) {
		p.dead = true
		p.end = lo + day(r.intn(int(refDay-lo)))
	}
}

func (d day) addYears(n int) day {
	y, m, dd := d.date()
	return day(time.Date(y+n, m, dd, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ehr generates the visits and the clinical events at them.
func (p *person) ehr() {
	v := p.v
	r := newRNG(p.b.seed, p.id, streamHealth)
	p.frailty = math.Exp(0.8*r.normal() - 0.32)
	midAge := float64(yearsBetween(p.birth, p.start+(p.end-p.start)/2))

	// Problem list: chronic conditions with an onset day each.
	n := min(15, r.poisson((0.2+midAge/30)*p.frailty))
	for tries := 0; len(p.problems) < n && tries < 4*n; tries++ {
		c := v.catPick.pick(&r)
		cat := &v.categories[c]
		if cat.acute || p.hasCategory(c) {
			continue
		}
		cond := cat.conds[cat.pick.pick(&r)]
		ch := chronic{cond: cond, onset: p.start + day(r.intn(int(p.end-p.start)+1)), drug: -1}
		if len(cat.drugs) > 0 && r.chance(0.8) {
			cls := &v.classes[cat.drugs[r.intn(len(cat.drugs))]]
			ch.drug = cls.drugs[cls.pick.pick(&r)]
		}
		p.problems = append(p.problems, ch)
		p.effects |= cat.effect
	}
	p.smoking = v.smoking.pick.pick(&r)
	p.vitalBaseline(&r)

	vr := newRNG(p.b.seed, p.id, streamVisits)
	years := float64(p.end-p.start+1) / 365.25
	nv := min(maxVisits, max(1, vr.poisson(0.75*years*p.frailty*(0.5+midAge/45)*p.b.density)))
	days := make([]day, nv)
	for i := range days {
		days[i] = p.start + day(vr.intn(int(p.end-p.start)+1))
	}
	slices.Sort(days)
	for i, d := range days {
		p.visit(&vr, int64(i+1), d)
	}
}

func (p *person) hasCategory(c int) bool {
	for _, ch := range p.problems {
		if p.v.conditions[ch.cond].cat == c {
			return true
		}
	}
	return false
}

// visitCtx is where an event happens: its visit (0 when not linked), day
// and second of the day.
type visitCtx struct {
	id      int64
	concept int64
	day     day
	sec     int32
}

func (p *person) visit(r *rng, n int64, d day) {
	v := p.v
	b := p.b
	concept := int64(outpatientVisit)
	switch u := r.float(); {
	case u < 0.04:
		concept = inpatientVisit
	case u < 0.13:
		concept = erVisit
	}
	var startSec, endSec int64
	var stay int
	switch concept {
	case outpatientVisit:
		startSec = int64(r.between(8*3600, 17*3600))
		endSec = startSec + int64(r.between(15, 90))*60
	case erVisit:
		startSec = int64(r.intn(86400))
		endSec = startSec + int64(r.between(90, 600))*60
	case inpatientVisit:
		stay = 1 + r.poisson(3)
		startSec = int64(r.intn(86400))
		endSec = int64(stay)*86400 + int64(r.between(10*3600, 16*3600))
	}
	endDay := d + day(endSec/86400)
	if endDay > p.end {
		endDay, endSec = p.end, int64(p.end-d)*86400+86399
		endSec = max(endSec, startSec)
	}
	stay = int(endDay - d)
	id := p.id*1000 + n
	b.visits = append(b.visits, visitRow{id: id, person: p.id, concept: concept, start: d, end: endDay,
		startSec: int32(startSec), endSec: int32(endSec % 86400)})
	p.touch(d)
	p.touch(endDay)

	// ctx places an event on a day of the visit, linked to it most of the
	// time, a little after the visit started.
	ctx := func() visitCtx {
		c := visitCtx{concept: concept, day: d, sec: int32(min(86399, startSec+int64(r.intn(3600))))}
		if stay > 0 {
			off := r.intn(stay + 1)
			c.day = d + day(off)
			if off > 0 {
				c.sec = int32(r.intn(86400))
			}
		}
		if r.chance(0.92) {
			c.id = id
		}
		return c
	}

	// Conditions: new diagnoses from the problem list, follow-ups, and
	// acute episodes.
	for i := range p.problems {
		ch := &p.problems[i]
		if ch.onset > d {
			continue
		}
		if !ch.recorded || r.chance(0.3) {
			p.condition(r, ch.cond, ctx())
		}
		// Maintenance drugs are prescribed at diagnosis and renewed at
		// most visits after.
		if ch.drug >= 0 && (!ch.recorded || r.chance(0.55)) {
			p.prescribe(r, ch.drug, ctx())
		}
		ch.recorded = true
	}
	for range r.poisson(byVisit(concept, 0.8, 1.3, 2.5)) {
		c := v.condRank[v.condPick.pick(r)]
		p.condition(r, c, ctx())
		if cat := &v.categories[v.conditions[c].cat]; len(cat.drugs) > 0 && r.chance(0.5) {
			cls := &v.classes[cat.drugs[r.intn(len(cat.drugs))]]
			p.prescribe(r, cls.drugs[cls.pick.pick(r)], ctx())
		}
	}
	for range r.poisson(0.35) {
		p.prescribe(r, v.drugRank[v.drugPick.pick(r)], ctx())
	}

	// Procedures: the visit's evaluation and management, and others.
	if r.chance(0.6) {
		p.procedure(v.evaluation[concept], ctx())
	}
	for range r.poisson(byVisit(concept, 0.35, 1.2, 2.5)) {
		p.procedure(v.procedures[v.procPick.pick(r)], ctx())
	}

	// Measurements: lab panels and single tests, vital signs.
	panels := 0
	switch concept {
	case outpatientVisit:
		if r.chance(0.25) {
			panels = 1 + r.poisson(0.4)
		}
	case erVisit:
		if r.chance(0.6) {
			panels = 1 + r.poisson(0.8)
		}
	case inpatientVisit:
		panels = 1 + min(stay, 4) + r.poisson(0.5)
	}
	for range panels {
		c := ctx()
		for _, t := range v.panels[v.panelPick.pick(r)] {
			p.lab(r, &v.labs[t], c)
		}
	}
	for range r.poisson(0.15) {
		p.lab(r, &v.labs[v.labPick.pick(r)], ctx())
	}
	vitals := 0
	switch concept {
	case outpatientVisit:
		if r.chance(0.45) {
			vitals = 1
		}
	case erVisit:
		vitals = 1
	case inpatientVisit:
		vitals = 1 + min(stay, 3)
	}
	for range vitals {
		p.vitals(r, ctx())
	}

	// Observations and devices.
	if concept == outpatientVisit && r.chance(0.1) {
		p.observation(v.smoking, ctx(), p.smoking)
	}
	for range r.poisson(0.2) {
		it := v.observations[v.obsPick.pick(r)]
		answer := -1
		if it.answers != nil {
			answer = it.pick.pick(r)
		}
		p.observation(it, ctx(), answer)
	}
	for range r.poisson(byVisit(concept, 0.03, 0.1, 0.4)) {
		p.device(r, v.devices[v.devicePick.pick(r)], ctx())
	}
}

// byVisit chooses a rate by the visit's kind.
func byVisit(concept int64, outpatient, er, inpatient float64) float64 {
	switch concept {
	case erVisit:
		return er
	case inpatientVisit:
		return inpatient
	}
	return outpatient
}

func (p *person) condition(r *rng, c int, at visitCtx) {
	id, ok := p.nextID(seqCondition)
	if !ok {
		return
	}
	cond := &p.v.conditions[c]
	row := conditionRow{id: id, person: p.id, concept: cond.id, source: cond.id, code: cond.code,
		visit: at.id, start: at.day, end: noDay, sec: at.sec}
	// Most rows come from ICD-like billing codes that map to the standard
	// concept; the rest were recorded in the standard vocabulary itself.
	if cond.src != 0 && r.chance(0.8) {
		row.source, row.code = cond.src, cond.srcCode
	}
	if p.v.categories[cond.cat].acute && r.chance(0.6) {
		row.end = min(p.end, at.day+day(r.between(3, 30)))
		p.touch(row.end)
	}
	p.b.conditions = append(p.b.conditions, row)
	p.touch(at.day)
}

func (p *person) prescribe(r *rng, d int, at visitCtx) {
	id, ok := p.nextID(seqDrug)
	if !ok {
		return
	}
	dr := &p.v.drugs[d]
	days := int32(30)
	refills := int32(r.intn(6))
	switch {
	case p.v.classes[dr.class].acute:
		days, refills = int32(r.between(5, 14)), 0
	case r.chance(0.3):
		days = 90
	}
	end := min(p.end, at.day+day(days-1))
	p.b.drugs = append(p.b.drugs, drugRow{id: id, person: p.id, concept: dr.id, visit: at.id, start: at.day, end: end,
		sec: at.sec, days: days, refills: refills, quantity: float64(days * int32(1+r.intn(2))), code: dr.code})
	p.touch(at.day)
	p.touch(end)
}

func (p *person) procedure(it item, at visitCtx) {
	id, ok := p.nextID(seqProcedure)
	if !ok {
		return
	}
	p.b.procedures = append(p.b.procedures, procedureRow{id: id, person: p.id, concept: it.id, visit: at.id, date: at.day, sec: at.sec, code: it.code})
	p.touch(at.day)
}

func (p *person) measurement(row measurementRow) {
	id, ok := p.nextID(seqMeasurement)
	if !ok {
		return
	}
	row.id, row.person = id, p.id
	p.b.measurements = append(p.b.measurements, row)
	p.touch(row.date)
}

func (p *person) lab(r *rng, t *labTest, at visitCtx) {
	row := measurementRow{concept: t.id, visit: at.id, typ: labResult, date: at.day, sec: at.sec,
		valueConcept: -1, unit: -1, value: math.NaN(), low: math.NaN(), high: math.NaN(), code: t.code}
	if t.answerIDs != nil {
		row.valueConcept = t.answerIDs[t.answerPick.pick(r)]
		p.measurement(row)
		return
	}
	mean := t.mean
	if p.male {
		mean += t.sexDiff
	}
	if t.conditionEffect != "" && p.effects&p.v.effects[t.conditionEffect] != 0 {
		mean += t.effect
	}
	var x float64
	if t.logNormal {
		x = math.Max(mean, t.min) * math.Exp(t.sd*r.normal())
	} else {
		x = mean + t.sd*r.normal()
	}
	row.value = round(math.Min(t.max, math.Max(t.min, x)), t.decimals)
	row.unit, row.unitCode = t.unit, t.unitCode
	if t.low != 0 || t.high != 0 {
		row.low, row.high = t.low, t.high
		if t.low == 0 {
			row.low = math.NaN()
		}
		if t.high == 0 {
			row.high = math.NaN()
		}
	}
	p.measurement(row)
}

func round(x float64, decimals int) float64 {
	f := math.Pow(10, float64(decimals))
	return math.Round(x*f) / f
}

// vitalBaseline fixes the person's usual blood pressure, heart rate, body
// mass index and adult height; readings vary around them.
func (p *person) vitalBaseline(r *rng) {
	age := float64(yearsBetween(p.birth, refDay))
	p.sbp = 102 + 0.45*min(age, 90) + 9*r.normal()
	for _, ch := range p.problems {
		if p.v.categories[p.v.conditions[ch.cond].cat].name == "Hypertensive disorder" {
			p.sbp += 16
			break
		}
	}
	p.hr = 73 + 8*r.normal()
	p.bmi = 27.3 * math.Exp(0.18*r.normal())
	if p.male {
		p.adultHeight = 176 + 7*r.normal()
	} else {
		p.adultHeight = 162.5 + 6.5*r.normal()
	}
}

// body gives height (cm), weight (kg) and BMI on day d; children grow.
func (p *person) body(r *rng, d day) (height, weight, bmi float64) {
	age := float64(d-p.birth) / 365.25
	height = p.adultHeight
	bmi = p.bmi
	if age < 18 {
		height = 50 + (p.adultHeight-50)*math.Pow(min(1, (age+0.25)/17.5), 0.6)
		bmi = math.Min(p.bmi, 15.5+age*0.45)
	}
	weight = round(bmi*height*height/10000+0.8*r.normal(), 1)
	height = round(height+0.4*r.normal(), 1)
	return height, weight, round(weight*10000/(height*height), 1)
}

func (p *person) bloodPressure(r *rng) (sys, dia float64) {
	sys = math.Round(math.Min(230, math.Max(75, p.sbp+8*r.normal())))
	dia = math.Round(math.Min(135, math.Max(40, 0.48*sys+18+6*r.normal())))
	return sys, math.Min(dia, sys-15)
}

func (p *person) vitals(r *rng, at visitCtx) {
	vital := func(concept int64, value float64) {
		t := p.v.vitals[concept]
		p.measurement(measurementRow{concept: concept, visit: at.id, typ: labResult, date: at.day, sec: at.sec,
			valueConcept: -1, unit: t.unit, unitCode: t.unitCode, value: value, low: math.NaN(), high: math.NaN(), code: t.code})
	}
	sys, dia := p.bloodPressure(r)
	vital(SystolicBP, sys)
	vital(DiastolicBP, dia)
	if r.chance(0.85) {
		vital(HeartRate, math.Round(math.Min(180, math.Max(40, p.hr+7*r.normal()))))
	}
	if r.chance(0.7) {
		h, w, bmi := p.body(r, at.day)
		vital(BodyWeight, w)
		vital(BodyMassIndex, bmi)
		if r.chance(0.35) {
			vital(BodyHeight, h)
		}
	}
	if at.concept != outpatientVisit || r.chance(0.25) {
		t := 36.8 + 0.3*r.normal()
		if at.concept != outpatientVisit && r.chance(0.2) {
			t += 1.4
		}
		vital(BodyTemperature, round(t, 1))
	}
	if at.concept != outpatientVisit {
		vital(RespiratoryRate, math.Round(math.Max(8, 16+2*r.normal())))
		vital(OxygenSaturation, math.Round(math.Min(100, 97.5+1.3*r.normal())))
	}
}

func (p *person) observation(it item, at visitCtx, answer int) {
	id, ok := p.nextID(seqObservation)
	if !ok {
		return
	}
	row := observationRow{id: id, person: p.id, concept: it.id, visit: at.id, typ: observationEHR,
		date: at.day, sec: at.sec, valueConcept: -1, value: math.NaN(), code: it.code}
	if answer >= 0 {
		row.valueConcept = it.answers[answer]
	}
	p.b.observations = append(p.b.observations, row)
	p.touch(at.day)
}

func (p *person) device(r *rng, it item, at visitCtx) {
	id, ok := p.nextID(seqDevice)
	if !ok {
		return
	}
	end := noDay
	if r.chance(0.5) {
		end = min(p.end, at.day+day(r.intn(365)))
		p.touch(end)
	}
	p.b.devices = append(p.b.devices, deviceRow{id: id, person: p.id, concept: it.id, visit: at.id, start: at.day, end: end, sec: at.sec, code: it.code})
	p.touch(at.day)
}

// surveys records the participant's answers, one observation per answer.
func (p *person) surveys() {
	v := p.v
	r := newRNG(p.b.seed, p.id, streamSurveys)
	for _, m := range v.modules {
		if !r.chance(m.share) {
			continue
		}
		d := p.enroll
		if m.later {
			d += day(r.intn(3 * 365))
			if d > p.end {
				continue
			}
		}
		sec := int32(r.between(8*3600, 21*3600))
		answers := make([]int, len(m.questions)) // chosen answer per question; -1 = none
		for qi := range m.questions {
			q := &m.questions[qi]
			answers[qi] = -1
			if q.gate >= 0 && (answers[q.gate] < 0 || m.questions[q.gate].answers[answers[q.gate]] != "Yes") {
				continue
			}
			sec += int32(r.between(5, 60))
			at := visitCtx{day: d, sec: min(sec, 86399)}
			switch u := r.float(); {
			case u < 0.03:
				p.surveyRow(q, at, v.skip, math.NaN())
				continue
			case u < 0.04:
				p.surveyRow(q, at, v.decline, math.NaN())
				continue
			}
			if q.kind == answerNumber {
				x := min(r.float(), r.float()) // most answers are low counts
				p.surveyRow(q, at, -1, float64(q.lo+int(x*float64(q.hi-q.lo+1))))
				continue
			}
			for _, a := range p.answer(&r, q) {
				answers[qi] = a
				p.surveyRow(q, at, q.answerIDs[a], math.NaN())
			}
		}
	}
}

// answer picks the answers (indexes into q.answers) a person gives; race
// may have two (a race and Hispanic).
func (p *person) answer(r *rng, q *question) []int {
	switch q.kind {
	case answerGender:
		if r.chance(0.985) {
			if p.male {
				return []int{0}
			}
			return []int{1}
		}
		return []int{2 + r.intn(3)}
	case answerRace:
		var out []int
		switch p.race {
		case raceWhite:
			out = append(out, 0)
		case raceBlack:
			out = append(out, 1)
		case raceAsian:
			out = append(out, 2)
		case raceAIAN:
			out = append(out, 3)
		case raceNHPI:
			out = append(out, 4)
		}
		if p.hisp == hispanic {
			out = append(out, 5)
		}
		if len(out) == 0 {
			out = append(out, 6)
		}
		return out
	case answerHistory:
		has := false
		for _, ch := range p.problems {
			if p.v.categories[p.v.conditions[ch.cond].cat].name == q.category && ch.onset <= p.enroll {
				has = true
			}
		}
		switch {
		case has && r.chance(0.9), !has && r.chance(0.04):
			return []int{0}
		case r.chance(0.03):
			return []int{2}
		}
		return []int{1}
	}
	return []int{q.pick.pick(r)}
}

func (p *person) surveyRow(q *question, at visitCtx, answer int64, value float64) {
	id, ok := p.nextID(seqObservation)
	if !ok {
		return
	}
	p.b.observations = append(p.b.observations, observationRow{id: id, person: p.id, concept: q.id, typ: surveyResponse,
		date: at.day, sec: at.sec, valueConcept: answer, value: value, code: q.code})
	p.touch(at.day)
}

// physical records the enrollment physical measurements for most
// participants, and a second set for a few.
func (p *person) physical() {
	r := newRNG(p.b.seed, p.id, streamPhysical)
	if !r.chance(0.85) {
		return
	}
	if p.adultHeight == 0 {
		p.vitalBaseline(&r)
	}
	sets := 1
	if r.chance(0.1) {
		sets = 2
	}
	d := p.enroll + day(r.intn(15))
	for range sets {
		if d > p.end {
			return
		}
		at := visitCtx{day: d, sec: int32(r.between(8*3600, 18*3600))}
		pm := func(ppi int64, value float64) {
			row := measurementRow{concept: ppi, typ: physicalExam, date: at.day, sec: at.sec,
				valueConcept: -1, value: value, low: math.NaN(), high: math.NaN()}
			for _, m := range physicalMeasurements {
				if m.id == ppi {
					row.unit, row.unitCode, row.code = m.unit, p.v.unitCode(m.unit), m.code
					if m.standard != 0 {
						row.concept, row.source = m.standard, ppi
					}
				}
			}
			p.measurement(row)
		}
		sys, dia := p.bloodPressure(&r)
		pm(PMSystolicBP, sys)
		pm(PMDiastolicBP, dia)
		h, w, bmi := p.body(&r, d)
		pm(PMHeight, h)
		pm(PMWeight, w)
		pm(PMBMI, bmi)
		pm(PMHeartRate, math.Round(math.Min(180, math.Max(40, p.hr+7*r.normal()))))
		if r.chance(0.9) {
			pm(PMWaist, round(90+(bmi-27)*2.3+(h-170)*0.2+6*r.normal(), 1))
			pm(PMHip, round(102+(bmi-27)*1.9+5*r.normal(), 1))
		}
		d += day(r.between(365, 3*365))
	}
}
