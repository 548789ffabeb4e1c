package synth

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Invented concepts have ids from 2,000,000,001 up, which no real OMOP
// concept uses; each kind has its own block of 100,000.
const (
	idsMeta        int64 = 2_000_000_000 // concept classes, relationships, units, value answers
	idsCondition   int64 = 2_000_100_000 // SNOMED-like conditions
	idsICD         int64 = 2_000_200_000 // ICD10CM-like source codes
	idsATC         int64 = 2_000_300_000 // ATC-like classes
	idsIngredient  int64 = 2_000_400_000 // RxNorm-like ingredients
	idsDrug        int64 = 2_000_500_000 // RxNorm-like clinical drugs
	idsMeasurement int64 = 2_000_600_000 // LOINC-like labs and vital signs
	idsProcedure   int64 = 2_000_700_000
	idsObservation int64 = 2_000_800_000
	idsDevice      int64 = 2_000_900_000
	idsSurvey      int64 = 2_001_000_000 // PPI modules, questions and answers
	idsPhysical    int64 = 2_001_100_000 // PPI physical measurements
)

// Concept ids of the vital signs in EHR measurements: the real LOINC
// concepts (domain Measurement). Systolic and diastolic blood pressure are
// always recorded together: same person, visit, date and time.
const (
	SystolicBP       int64 = 3004249
	DiastolicBP      int64 = 3012888
	HeartRate        int64 = 3027018
	BodyHeight       int64 = 3036277
	BodyWeight       int64 = 3025315
	BodyMassIndex    int64 = 3038553
	BodyTemperature  int64 = 3020891
	RespiratoryRate  int64 = 3024171
	OxygenSaturation int64 = 40762499
)

// Concept ids of the physical measurements taken at enrollment (vocabulary
// PPI, domain Measurement, children of PhysicalMeasurements), as All of Us
// records them; blood pressure again comes in pairs. They are the rows'
// measurement_source_concept_id; the measurement_concept_id is the real
// LOINC concept each maps to ([SystolicBP], [BodyHeight], ...), except
// for waist and hip circumference, which the samples have no LOINC
// concept of. The ids are invented: the samples hold no PPI concept.
const (
	PhysicalMeasurements = idsPhysical + 1 // the module, concept class "Module"
	PMSystolicBP         = idsPhysical + 2
	PMDiastolicBP        = idsPhysical + 3
	PMHeight             = idsPhysical + 4
	PMWeight             = idsPhysical + 5
	PMBMI                = idsPhysical + 6
	PMHeartRate          = idsPhysical + 7
	PMWaist              = idsPhysical + 8
	PMHip                = idsPhysical + 9
)

type concept struct {
	id                                         int64
	name, domain, vocabulary, class, std, code string
}

type edge struct{ from, to int64 }

// condition is a standard condition concept persons can have, with the
// ICD-like source code that maps to it (src 0 when it has none).
type condition struct {
	id      int64
	code    string
	src     int64
	srcCode string
	cat     int
}

type category struct {
	name   string
	acute  bool
	conds  []int  // indexes into vocabulary.conditions
	pick   picker // over conds
	drugs  []int  // ATC classes (indexes into vocabulary.classes) that treat it
	effect int    // bit for lab value effects; 0 = none
}

type drug struct {
	id    int64
	code  string
	class int
}

type drugClass struct {
	acute bool
	drugs []int
	pick  picker
}

// item is a concept drawn for an event, with its code and, for
// observations with values, the answers to draw from.
type item struct {
	id      int64
	code    string
	answers []int64
	pick    picker
}

type question struct {
	surveyQuestion
	id        int64
	answerIDs []int64 // concepts of surveyQuestion.answers
	pick      picker
	gate      int // index of the question named by after; -1 = none
}

type module struct {
	surveyModule
	id        int64
	questions []question
}

// vocabulary is every concept and relationship written to the vocabulary
// tables, and the ranked lists persons' events draw from. It does not
// depend on the seed.
type vocabulary struct {
	concepts []concept
	isA      []edge // child -> parent
	mapsTo   []edge // source -> standard
	answerOf []edge // answer -> question
	classIDs map[string]int64
	typeID   int64 // the concept of the "Type Concept" vocabulary

	conditions []condition
	condRank   []int  // indexes into conditions, most prevalent first
	condPick   picker // over condRank, Zipf
	categories []category
	catPick    picker // categories for problem lists, Zipf by prevalence rank
	effects    map[string]int

	drugs    []drug
	drugRank []int  // indexes into drugs, most prescribed first
	drugPick picker // over drugRank, Zipf
	classes  []drugClass

	labs      []labTest
	panels    [][]int // indexes into labs
	panelPick picker
	labPick   picker
	vitals    map[int64]labTest

	procedures    []item
	procPick      picker
	evaluation    map[int64]item // evaluation and management item by visit concept
	observations  []item
	obsPick       picker
	smoking       item
	devices       []item
	devicePick    picker
	modules       []module
	skip, decline int64 // PPI answers shared by every question
	relIDs        map[string]int64

	nextID     map[int64]int64
	names      map[string]bool  // invented ingredient names
	answerIDs  map[string]int64 // value answers by name
	snomedNext int
}

var vocab = sync.OnceValue(buildVocabulary)

func buildVocabulary() *vocabulary {
	v := &vocabulary{
		classIDs: map[string]int64{},
		effects:  map[string]int{},
		vitals:   map[int64]labTest{},
		// The first ids of these blocks are fixed: local units, physical
		// measurements.
		nextID:    map[int64]int64{idsMeta: 1000, idsPhysical: 100},
		names:     map[string]bool{},
		answerIDs: map[string]int64{},
		relIDs:    map[string]int64{},
	}
	// Every real concept of the samples is in the vocabulary, with the
	// hierarchy and the mappings the samples give, used by events or not,
	// so that a search finds the real terms.
	for _, c := range realConcepts {
		v.concepts = append(v.concepts, concept{c.id, c.name, c.domain, c.vocabulary, c.class, c.std, c.code})
	}
	v.isA = slices.Clone(realIsA)
	v.mapsTo = slices.Clone(realMapsTo)
	for _, c := range fixedConcepts {
		v.concepts = append(v.concepts, concept{c.id, c.name, c.domain, c.vocab, c.class, c.std, c.code})
	}
	for _, u := range localUnits {
		v.concepts = append(v.concepts, concept{u.id, u.name, "Unit", "UCUM", "Unit", "S", u.code})
	}
	v.buildConditions()
	v.buildDrugs()
	v.buildMeasurements()
	v.buildProcedures()
	v.buildObservations()
	v.buildDevices()
	v.buildSurveys()
	v.buildPhysical()
	v.buildMetadata()
	// Grouping concepts tie real concepts into the tree that the samples
	// already relate: an edge may come twice.
	slices.SortFunc(v.isA, func(x, y edge) int { return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to)) })
	v.isA = slices.Compact(v.isA)
	slices.SortFunc(v.mapsTo, func(x, y edge) int { return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to)) })
	v.mapsTo = slices.Compact(v.mapsTo)
	return v
}

// add allocates the next id of a block to a new concept.
func (v *vocabulary) add(block int64, name, domain, vocabulary, class, std, code string) int64 {
	v.nextID[block]++
	id := block + v.nextID[block]
	v.concepts = append(v.concepts, concept{id, name, domain, vocabulary, class, std, code})
	return id
}

// snomedCode makes the next SNOMED-like code: digits, never reused.
func (v *vocabulary) snomedCode() string {
	v.snomedNext++
	return strconv.Itoa(900000000 + v.snomedNext*7919%100000000)
}

func (v *vocabulary) answer(name string) int64 {
	switch name {
	case "Positive":
		return positive
	case "Negative":
		return negative
	}
	if id, ok := v.answerIDs[name]; ok {
		return id
	}
	id := v.add(idsMeta, name, "Meas Value", "SNOMED", "Qualifier Value", "S", v.snomedCode())
	v.answerIDs[name] = id
	return id
}

func (v *vocabulary) buildConditions() {
	const d, voc, class = "Condition", "SNOMED", "Clinical Finding"
	x := reals()
	root, _ := v.concept(idsCondition, "Clinical finding", d, voc, class, "S", v.snomedCode())
	var systems []int64
	var secondParents []int64 // level-4 concepts that also sit under another body system
	byCat := map[string]int{}
	claimed := map[int64]bool{} // real conditions that have a category
	for si, sys := range conditionSystems {
		sid, _ := v.concept(idsCondition, sys.name, d, voc, class, "S", v.snomedCode())
		systems = append(systems, sid)
		v.isA = append(v.isA, edge{sid, root})
		for ci, catName := range sys.categories {
			cid, _ := v.concept(idsCondition, catName, d, voc, class, "S", v.snomedCode())
			v.isA = append(v.isA, edge{cid, sid})
			icdCode := fmt.Sprintf("%s%02d", sys.letter, sys.base+ci)
			icd := v.add(idsICD, catName, d, "ICD10CM", "3-char nonbill code", "", icdCode)
			v.mapsTo = append(v.mapsTo, edge{icd, cid})
			cat := category{name: catName, acute: acuteCategories[catName]}
			byCat[catName] = len(v.categories)
			// add makes id a condition of the category that persons can have.
			add := func(id int64, code string, src int64, srcCode string) {
				if src != 0 {
					v.mapsTo = append(v.mapsTo, edge{src, id})
				}
				cat.conds = append(cat.conds, len(v.conditions))
				v.conditions = append(v.conditions, condition{id: id, code: code, src: src, srcCode: srcCode, cat: len(v.categories)})
			}
			// The real conditions whose names the category's keywords
			// match; the category's own concept when it is real.
			keywords := conditionKeywords[catName]
			if keywords == nil {
				keywords = []string{strings.ToLower(catName)}
			}
			members := x.ranked(d, func(c *realConcept) bool {
				if claimed[c.id] || x.up[cid][c.id] {
					return false // taken, or an ancestor of the category
				}
				name := strings.ToLower(c.name)
				return slices.ContainsFunc(keywords, func(k string) bool { return strings.Contains(name, k) })
			})
			for i, c := range members {
				claimed[c.id] = true
				if c.id != cid {
					v.isA = append(v.isA, edge{c.id, cid})
				}
				// Billing codes: the real ICD10CM code when the samples
				// have one, else an ICD-like one below the category's.
				src, srcCode := x.source[c.id], ""
				if src != 0 {
					srcCode = x.byID[src].code
				} else {
					srcCode = fmt.Sprintf("%s.%d", icdCode, i+1)
					src = v.add(idsICD, c.name, d, "ICD10CM", "4-char billing code", "", srcCode)
				}
				add(c.id, c.code, src, srcCode)
			}
			if len(members) > 0 {
				cat.pick = zipf(len(cat.conds), 1.1)
				v.categories = append(v.categories, cat)
				continue
			}
			// No real condition: invented ones, three levels deep.
			addNew := func(name string, parent, src int64, srcCode string) int64 {
				code := v.snomedCode()
				id := v.add(idsCondition, name, d, voc, class, "S", code)
				v.isA = append(v.isA, edge{id, parent})
				add(id, code, src, srcCode)
				return id
			}
			for q := range 3 {
				qual := conditionQualifiers[(si+ci*3+q)%len(conditionQualifiers)]
				l3name := qual + " " + lowerFirst(catName)
				l3src := fmt.Sprintf("%s.%d", icdCode, q+1)
				src3 := v.add(idsICD, catName+", "+strings.ToLower(qual), d, "ICD10CM", "4-char billing code", "", l3src)
				l3 := addNew(l3name, cid, src3, l3src)
				for s, sev := range conditionSeverities {
					l4name := l3name + ", " + sev
					l4src := fmt.Sprintf("%s%d", l3src, s+1)
					src4 := v.add(idsICD, catName+", "+strings.ToLower(qual)+", "+sev, d, "ICD10CM", "5-char billing code", "", l4src)
					l4 := addNew(l4name, l3, src4, l4src)
					if (q+s+ci)%7 == 3 {
						secondParents = append(secondParents, l4)
					}
					if (q+s)%2 == 0 {
						for _, course := range conditionCourses {
							addNew(l4name+", "+course, l4, 0, "")
						}
					}
				}
			}
			cat.pick = zipf(len(cat.conds), 1.1)
			v.categories = append(v.categories, cat)
		}
	}
	// A few concepts also sit directly under another body system, so that
	// min and max levels of separation differ, as they do in SNOMED.
	for i, id := range secondParents {
		v.isA = append(v.isA, edge{id, systems[(i*5+3)%len(systems)]})
	}
	// Prevalence rank: the first category of every system, then the
	// second, and so on; within a category, conditions in their order.
	var order []int
	for ci := 0; ; ci++ {
		found := false
		for _, sys := range conditionSystems {
			if ci < len(sys.categories) {
				order = append(order, byCat[sys.categories[ci]])
				found = true
			}
		}
		if !found {
			break
		}
	}
	for round := 0; len(v.condRank) < len(v.conditions); round++ {
		for _, c := range order {
			if conds := v.categories[c].conds; round < len(conds) {
				v.condRank = append(v.condRank, conds[round])
			}
		}
	}
	v.condPick = zipf(len(v.condRank), 1.05)
	cats := make([]float64, len(v.categories))
	for rank, c := range order {
		cats[c] = 1 / float64(rank+1)
	}
	v.catPick = newPicker(cats)
	// Each category that shifts a lab value gets a bit of a person's mask.
	for _, p := range labPanels {
		for _, t := range p.tests {
			if t.conditionEffect != "" {
				if _, ok := v.effects[t.conditionEffect]; !ok {
					v.effects[t.conditionEffect] = 1 << len(v.effects)
				}
			}
		}
	}
	for i := range v.categories {
		v.categories[i].effect = v.effects[v.categories[i].name]
	}
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func (v *vocabulary) buildDrugs() {
	parents := map[string]int64{}
	classByCode := map[string]int{}
	// ATC codes grow by level: C, C09, C09A, C09AA.
	codeLen := []int{0, 1, 3, 4, 5}
	for ai, a := range atcClasses {
		level := slices.Index(codeLen, len(a.code))
		id := v.add(idsATC, a.name, "Drug", "ATC", "ATC "+ordinal(level), "C", a.code)
		parents[a.code] = id
		if level > 1 {
			v.isA = append(v.isA, edge{id, parents[a.code[:codeLen[level-1]]]})
		}
		if a.stem == "" && a.ingredients == nil && a.drugs == nil {
			continue
		}
		ci := len(v.classes)
		classByCode[a.code] = ci
		cls := drugClass{acute: a.acute}
		// use makes a real drug one that persons of the class get.
		use := func(c *realConcept) {
			if !slices.ContainsFunc(cls.drugs, func(i int) bool { return v.drugs[i].id == c.id }) {
				cls.drugs = append(cls.drugs, len(v.drugs))
				v.drugs = append(v.drugs, drug{id: c.id, code: c.code, class: ci})
			}
		}
		x := reals()
		for _, name := range a.ingredients {
			ing := x.named("Drug", name)
			if ing == nil || ing.class != "Ingredient" {
				panic("synth: no real ingredient " + name)
			}
			v.isA = append(v.isA, edge{ing.id, id})
			for _, c := range x.ranked("Drug", func(c *realConcept) bool {
				return c.class != "Ingredient" && slices.Contains(x.children[ing.id], c.id)
			}) {
				use(c)
			}
		}
		for _, name := range a.drugs {
			c := x.named("Drug", name)
			if c == nil {
				panic("synth: no real drug " + name)
			}
			v.isA = append(v.isA, edge{c.id, id})
			use(c)
		}
		// Invented ingredients only for a class the samples have none of.
		invented := 0
		if a.stem != "" {
			invented = 5
		}
		for k := range invented {
			name := v.ingredientName(ai, k, a.stem)
			ing := v.add(idsIngredient, name, "Drug", "RxNorm", "Ingredient", "S", strconv.Itoa(100000+int(v.nextID[idsIngredient])*37))
			v.isA = append(v.isA, edge{ing, id})
			s0 := (ai*3 + k) % (len(drugStrengths) - 2)
			for j := range 3 {
				strength := strconv.FormatFloat(drugStrengths[s0+j], 'f', -1, 64)
				unit := "MG"
				switch a.form {
				case "Metered Dose Inhaler":
					unit = "MG/ACTUAT"
					strength = strconv.FormatFloat(drugStrengths[s0+j]/100, 'f', -1, 64)
				case "Topical Cream":
					unit = "MG/G"
					strength = strconv.FormatFloat(drugStrengths[s0+j]/10, 'f', -1, 64)
				}
				code := strconv.Itoa(1000000 + int(v.nextID[idsDrug])*53)
				cd := v.add(idsDrug, fmt.Sprintf("%s %s %s %s", name, strength, unit, a.form), "Drug", "RxNorm", "Clinical Drug", "S", code)
				v.isA = append(v.isA, edge{cd, ing})
				cls.drugs = append(cls.drugs, len(v.drugs))
				v.drugs = append(v.drugs, drug{id: cd, code: code, class: ci})
			}
		}
		cls.pick = zipf(len(cls.drugs), 1.2)
		v.classes = append(v.classes, cls)
	}
	for i := range v.categories {
		for _, code := range indications[v.categories[i].name] {
			v.categories[i].drugs = append(v.categories[i].drugs, classByCode[code])
		}
	}
	// Rank: the first drug of every class, then the second, and so on.
	for round := 0; len(v.drugRank) < len(v.drugs); round++ {
		for _, c := range v.classes {
			if round < len(c.drugs) {
				v.drugRank = append(v.drugRank, c.drugs[round])
			}
		}
	}
	v.drugPick = zipf(len(v.drugRank), 1.1)
}

func ordinal(n int) string {
	return [...]string{"", "1st", "2nd", "3rd", "4th"}[n]
}

// ingredientName invents a unique drug name ending in the class's stem.
func (v *vocabulary) ingredientName(class, k int, stem string) string {
	for i := 0; ; i++ {
		p := drugPrefixes[(class*7+k*5+i)%len(drugPrefixes)]
		m := drugMiddles[(class+k*3+i/len(drugPrefixes))%len(drugMiddles)]
		name := p + m + stem
		if !v.names[name] {
			v.names[name] = true
			return name
		}
	}
}

// loincCode makes a LOINC-like code with a mod-10 check digit.
func loincCode(n int) string {
	digits := strconv.Itoa(n)
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%s-%d", digits, (10-sum%10)%10)
}

func (v *vocabulary) buildMeasurements() {
	const d, voc = "Measurement", "LOINC"
	root := v.add(idsMeasurement, "Laboratory tests", d, voc, "LOINC Hierarchy", "C", "LP29693-6")
	cats := map[string]int64{}
	for _, p := range labPanels {
		cat, ok := cats[p.category]
		if !ok {
			cat = v.add(idsMeasurement, p.category, d, voc, "LOINC Hierarchy", "C", fmt.Sprintf("LP%d-%d", 31000+len(cats), len(cats)%10))
			cats[p.category] = cat
			v.isA = append(v.isA, edge{cat, root})
		}
		group := v.add(idsMeasurement, p.group, d, voc, "LOINC Group", "C", fmt.Sprintf("LG%d-%d", 41000+len(v.panels), len(v.panels)%10))
		v.isA = append(v.isA, edge{group, cat})
		var panel []int
		for _, t := range p.tests {
			t.id, t.code = v.concept(idsMeasurement, t.name, d, voc, "Lab Test", "S", loincCode(90000+len(v.labs)*13))
			v.isA = append(v.isA, edge{t.id, group})
			t.unitCode = v.unitCode(t.unit)
			for _, a := range t.answers {
				t.answerIDs = append(t.answerIDs, v.answer(a))
			}
			if len(t.answers) > 0 {
				t.answerPick = newPicker(t.answerWeights)
			}
			panel = append(panel, len(v.labs))
			v.labs = append(v.labs, t)
		}
		v.panels = append(v.panels, panel)
	}
	v.panelPick = zipf(len(v.panels), 0.9)
	v.labPick = zipf(len(v.labs), 1.0)

	signs := v.add(idsMeasurement, "Vital signs", d, voc, "LOINC Hierarchy", "C", "LP30605-7")
	bp := v.add(idsMeasurement, "Blood pressure", d, voc, "LOINC Group", "C", "LG50041-6")
	body := v.add(idsMeasurement, "Body measures", d, voc, "LOINC Group", "C", "LG50042-4")
	v.isA = append(v.isA, edge{bp, signs}, edge{body, signs})
	for _, t := range vitalSigns {
		t.code = reals().byID[t.id].code
		t.unitCode = v.unitCode(t.unit)
		parent := signs
		switch t.id {
		case SystolicBP, DiastolicBP:
			parent = bp
		case BodyHeight, BodyWeight, BodyMassIndex:
			parent = body
		}
		v.isA = append(v.isA, edge{t.id, parent})
		v.vitals[t.id] = t
	}
}

func (v *vocabulary) unitCode(id int64) string {
	for _, c := range fixedConcepts {
		if c.id == id {
			return c.code
		}
	}
	for _, u := range localUnits {
		if u.id == id {
			return u.code
		}
	}
	return ""
}

// tree adds a root, its categories and their items (all standard) and
// returns the items ranked for a Zipf draw: the first item of every
// category, then the second, and so on.
func (v *vocabulary) tree(block int64, domain, class, rootName string, cats []string, items func(c int) []string) [][]item {
	root, _ := v.concept(block, rootName, domain, "SNOMED", class, "S", v.snomedCode())
	out := make([][]item, len(cats))
	for ci, name := range cats {
		cid, _ := v.concept(block, name, domain, "SNOMED", class, "S", v.snomedCode())
		v.isA = append(v.isA, edge{cid, root})
		for _, it := range items(ci) {
			id, code := v.concept(block, it, domain, "SNOMED", class, "S", v.snomedCode())
			v.isA = append(v.isA, edge{id, cid})
			out[ci] = append(out[ci], item{id: id, code: code})
		}
	}
	return out
}

// commonRows is how many event rows of a concept the samples must have for
// its count to rank it above the invented items.
const commonRows = 100

// withReal ranks a domain's items for a Zipf draw: the real SNOMED
// concepts that the samples have commonly, the most frequent first, then
// the tree's items, then the real concepts the samples have a few events
// of, leaving out those the tree uses. (The samples' LOINC observations
// are social history answers that mean little without their values.)
func (v *vocabulary) withReal(domain string, tree []item) []item {
	used := map[int64]bool{}
	for _, e := range v.isA {
		if e.to >= idsMeta {
			used[e.from] = true // placed below an invented grouping concept
		}
	}
	var common, rare []item
	for _, c := range reals().ranked(domain, func(c *realConcept) bool {
		return c.rows > 0 && c.vocabulary == "SNOMED" && !used[c.id]
	}) {
		if c.rows >= commonRows {
			common = append(common, item{id: c.id, code: c.code})
		} else {
			rare = append(rare, item{id: c.id, code: c.code})
		}
	}
	return slices.Concat(common, tree, rare)
}

func interleave(groups [][]item) []item {
	var out []item
	for round := 0; ; round++ {
		n := len(out)
		for _, g := range groups {
			if round < len(g) {
				out = append(out, g[round])
			}
		}
		if len(out) == n {
			return out
		}
	}
}

func (v *vocabulary) buildProcedures() {
	cats := make([]string, len(procedureTree))
	for i, c := range procedureTree {
		cats[i] = c.category
	}
	// Kinds sit under categories; each kind has children at sites or with
	// qualifiers, so the tree is three levels below the root.
	root := v.add(idsProcedure, "Procedure", "Procedure", "SNOMED", "Procedure", "S", v.snomedCode())
	var groups [][]item
	v.evaluation = map[int64]item{}
	for _, c := range procedureTree {
		cid, _ := v.concept(idsProcedure, c.category, "Procedure", "SNOMED", "Procedure", "S", v.snomedCode())
		v.isA = append(v.isA, edge{cid, root})
		var g []item
		for ki, kind := range c.kinds {
			kid, code := v.concept(idsProcedure, kind, "Procedure", "SNOMED", "Procedure", "S", v.snomedCode())
			v.isA = append(v.isA, edge{kid, cid})
			kindItem := item{id: kid, code: code}
			switch kind {
			case "Office visit":
				v.evaluation[outpatientVisit] = kindItem
			case "Hospital inpatient care":
				v.evaluation[inpatientVisit] = kindItem
			case "Emergency department visit":
				v.evaluation[erVisit] = kindItem
			}
			if c.category != "Evaluation and management procedure" {
				g = append(g, kindItem)
			}
			for si, site := range c.sites {
				if (ki+si)%4 == 3 && c.category != "Evaluation and management procedure" {
					continue // not every kind at every site
				}
				name := kind + ", " + site
				if c.category == "Imaging" || c.category == "Surgical procedure" {
					name = kind + " of " + site
				}
				id, code := v.concept(idsProcedure, name, "Procedure", "SNOMED", "Procedure", "S", v.snomedCode())
				v.isA = append(v.isA, edge{id, kid})
				if c.category != "Evaluation and management procedure" {
					g = append(g, item{id: id, code: code})
				}
			}
		}
		if len(g) > 0 {
			groups = append(groups, g)
		}
	}
	v.procedures = v.withReal("Procedure", interleave(groups))
	v.procPick = zipf(len(v.procedures), 1.0)
}

func (v *vocabulary) buildObservations() {
	cats := make([]string, len(observationTree))
	for i, c := range observationTree {
		cats[i] = c.category
	}
	groups := v.tree(idsObservation, "Observation", "Observable Entity", "Clinical observation", cats, func(c int) []string { return observationTree[c].items })
	for ci, c := range observationTree {
		if c.answers == nil {
			continue
		}
		for i := range groups[ci] {
			for _, a := range c.answers {
				groups[ci][i].answers = append(groups[ci][i].answers, v.answer(a))
			}
			groups[ci][i].pick = newPicker(c.weights)
		}
		if c.category == "Tobacco use and exposure" {
			v.smoking = groups[ci][0]
		}
	}
	v.observations = v.withReal("Observation", interleave(groups))
	v.obsPick = zipf(len(v.observations), 1.0)
}

func (v *vocabulary) buildDevices() {
	cats := make([]string, len(deviceTree))
	for i, c := range deviceTree {
		cats[i] = c.category
	}
	groups := v.tree(idsDevice, "Device", "Physical Object", "Device", cats, func(c int) []string { return deviceTree[c].items })
	v.devices = v.withReal("Device", interleave(groups))
	v.devicePick = zipf(len(v.devices), 1.0)
}

// buildSurveys adds the PPI surveys. Every concept of theirs is invented:
// the All of Us survey concepts (The Basics and the others, their
// questions and answers) are in neither sample.
func (v *vocabulary) buildSurveys() {
	const voc = "PPI"
	v.skip = v.add(idsSurvey, "PMI: Skip", "Observation", voc, "Answer", "S", "PMI_Skip")
	v.decline = v.add(idsSurvey, "PMI: Prefer Not To Answer", "Observation", voc, "Answer", "S", "PMI_PreferNotToAnswer")
	for _, sm := range surveyModules {
		m := module{surveyModule: sm}
		m.id = v.add(idsSurvey, sm.name, "Observation", voc, "Module", "S", sm.code)
		for _, sq := range sm.questions {
			q := question{surveyQuestion: sq, gate: -1}
			q.id = v.add(idsSurvey, sq.name, "Observation", voc, "Question", "S", sq.code)
			v.isA = append(v.isA, edge{q.id, m.id})
			prefix, _, _ := strings.Cut(sq.name, ":")
			for _, a := range sq.answers {
				code := sq.code + "_" + strings.Map(func(r rune) rune {
					if unicode.IsLetter(r) || unicode.IsDigit(r) {
						return r
					}
					return -1
				}, a)
				id := v.add(idsSurvey, prefix+": "+a, "Observation", voc, "Answer", "S", code)
				v.answerOf = append(v.answerOf, edge{id, q.id})
				q.answerIDs = append(q.answerIDs, id)
			}
			if sq.weights != nil {
				q.pick = newPicker(sq.weights)
			}
			for i, prev := range m.questions {
				if prev.code == sq.after {
					q.gate = i
				}
			}
			m.questions = append(m.questions, q)
		}
		v.modules = append(v.modules, m)
	}
}

func (v *vocabulary) buildPhysical() {
	v.concepts = append(v.concepts, concept{PhysicalMeasurements, "Physical Measurements", "Measurement", "PPI", "Module", "S", "PhysicalMeasurements"})
	for _, p := range physicalMeasurements {
		std := "S"
		if p.standard != 0 {
			std = "" // a source concept that maps to the LOINC one
			v.mapsTo = append(v.mapsTo, edge{p.id, p.standard})
		}
		v.concepts = append(v.concepts, concept{p.id, p.name, "Measurement", "PPI", "Clinical Observation", std, p.code})
		v.isA = append(v.isA, edge{p.id, PhysicalMeasurements})
	}
}

// buildMetadata adds the concepts that stand for vocabularies, domains,
// concept classes and relationships, as the OMOP vocabulary has them.
func (v *vocabulary) buildMetadata() {
	for _, r := range vocabularies {
		id := r.concept
		if id == 0 {
			id = v.add(idsMeta, r.name, "Metadata", "Vocabulary", "Vocabulary", "", "OMOP generated")
			v.typeID = id
			continue
		}
		v.concepts = append(v.concepts, concept{id, r.name, "Metadata", "Vocabulary", "Vocabulary", "", "OMOP generated"})
	}
	for _, d := range domains {
		v.concepts = append(v.concepts, concept{d.concept, d.id, "Metadata", "Domain", "Domain", "", "OMOP generated"})
	}
	var classes []string
	for _, c := range v.concepts {
		classes = append(classes, c.class)
	}
	classes = append(classes, "Domain", "Vocabulary", "Concept Class", "Relationship")
	slices.Sort(classes)
	for _, c := range slices.Compact(classes) {
		v.classIDs[c] = v.add(idsMeta, c, "Metadata", "Concept Class", "Concept Class", "", "OMOP generated")
	}
	for _, r := range relationships {
		id := r.concept
		if id == 0 {
			id = v.add(idsMeta, r.name, "Metadata", "Relationship", "Relationship", "", "OMOP generated")
		} else {
			v.concepts = append(v.concepts, concept{id, r.name, "Metadata", "Relationship", "Relationship", "", "OMOP generated"})
		}
		v.relIDs[r.id] = id
	}
}
