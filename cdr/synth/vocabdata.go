package synth

// The hand-written parts of the vocabulary: the real OMOP concepts listed
// in fixedConcepts, and the trees that real concepts (realvocab.go) join by
// name, invented where the samples have nothing.

// fixedConcept is a real OMOP concept, with its real id and name.
type fixedConcept struct {
	id                                    int64
	name, domain, vocab, class, std, code string
}

// Real OMOP concept ids the generator writes into event rows.
const (
	noMatch = 0

	male   = 8507
	female = 8532

	raceWhite = 8527
	raceBlack = 8516
	raceAsian = 8515
	raceAIAN  = 8657
	raceNHPI  = 8557

	hispanic    = 38003563
	notHispanic = 38003564

	inpatientVisit  = 9201
	outpatientVisit = 9202
	erVisit         = 9203

	periodEHR        = 44814724
	visitEHR         = 44818518
	conditionEHR     = 32020
	drugPrescription = 38000177
	procedureEHR     = 38000275
	labResult        = 44818702
	physicalExam     = 44818701
	observationEHR   = 38000280
	surveyResponse   = 45905771
	typeEHR          = 32817

	unitMMHg    = 8876
	unitCM      = 8582
	unitKG      = 9529
	unitKGM2    = 9531
	unitPerMin  = 8541
	unitMGDL    = 8840
	unitGDL     = 8713
	unitPercent = 8554
	unitMMOLL   = 8753
	unitKUL     = 8848
	unitUL      = 8645
	unitCelsius = 586323
	unitRatio   = 8523
	unitSecond  = 8555
	unitPG      = 8564
	unitFL      = 8583
	unitMGL     = 8751
	unitMMH     = 8752
	unitMUL     = 8815
	unitUGDL    = 8837
	unitNGML    = 8842
	unitIUL     = 8923
	unitUMOLL   = 8749
	unitNGDL    = 8817

	positive = 9191
	negative = 9189
)

var fixedConcepts = []fixedConcept{
	{noMatch, "No matching concept", "Metadata", "None", "Undefined", "", "No matching concept"},
	{male, "MALE", "Gender", "Gender", "Gender", "S", "M"},
	{female, "FEMALE", "Gender", "Gender", "Gender", "S", "F"},
	{raceWhite, "White", "Race", "Race", "Race", "S", "5"},
	{raceBlack, "Black or African American", "Race", "Race", "Race", "S", "3"},
	{raceAsian, "Asian", "Race", "Race", "Race", "S", "2"},
	{raceAIAN, "American Indian or Alaska Native", "Race", "Race", "Race", "S", "1"},
	{raceNHPI, "Native Hawaiian or Other Pacific Islander", "Race", "Race", "Race", "S", "4"},
	{hispanic, "Hispanic or Latino", "Ethnicity", "Ethnicity", "Ethnicity", "S", "Hispanic"},
	{notHispanic, "Not Hispanic or Latino", "Ethnicity", "Ethnicity", "Ethnicity", "S", "Not Hispanic"},
	{inpatientVisit, "Inpatient Visit", "Visit", "Visit", "Visit", "S", "IP"},
	{outpatientVisit, "Outpatient Visit", "Visit", "Visit", "Visit", "S", "OP"},
	{erVisit, "Emergency Room Visit", "Visit", "Visit", "Visit", "S", "ER"},
	{periodEHR, "Period covering healthcare encounters", "Type Concept", "Obs Period Type", "Obs Period Type", "S", "OMOP generated"},
	{visitEHR, "Visit derived from EHR record", "Type Concept", "Visit Type", "Visit Type", "S", "OMOP generated"},
	{conditionEHR, "EHR encounter diagnosis", "Type Concept", "Condition Type", "Condition Type", "S", "OMOP generated"},
	{drugPrescription, "Prescription written", "Type Concept", "Drug Type", "Drug Type", "S", "OMOP generated"},
	{procedureEHR, "EHR order list entry", "Type Concept", "Procedure Type", "Procedure Type", "S", "OMOP generated"},
	{labResult, "Lab result", "Type Concept", "Meas Type", "Meas Type", "S", "OMOP generated"},
	{physicalExam, "From physical examination", "Type Concept", "Meas Type", "Meas Type", "S", "OMOP generated"},
	{observationEHR, "Observation recorded from EHR", "Type Concept", "Observation Type", "Observation Type", "S", "OMOP generated"},
	{surveyResponse, "Observation Recorded from a Survey", "Type Concept", "Observation Type", "Observation Type", "S", "OMOP generated"},
	{typeEHR, "EHR", "Type Concept", "Type Concept", "Type Concept", "S", "OMOP generated"},
	{unitMMHg, "millimeter mercury column", "Unit", "UCUM", "Unit", "S", "mm[Hg]"},
	{unitCM, "centimeter", "Unit", "UCUM", "Unit", "S", "cm"},
	{unitKG, "kilogram", "Unit", "UCUM", "Unit", "S", "kg"},
	{unitKGM2, "kilogram per square meter", "Unit", "UCUM", "Unit", "S", "kg/m2"},
	{unitPerMin, "per minute", "Unit", "UCUM", "Unit", "S", "/min"},
	{unitMGDL, "milligram per deciliter", "Unit", "UCUM", "Unit", "S", "mg/dL"},
	{unitGDL, "gram per deciliter", "Unit", "UCUM", "Unit", "S", "g/dL"},
	{unitPercent, "percent", "Unit", "UCUM", "Unit", "S", "%"},
	{unitMMOLL, "millimole per liter", "Unit", "UCUM", "Unit", "S", "mmol/L"},
	{unitKUL, "thousand per microliter", "Unit", "UCUM", "Unit", "S", "10*3/uL"},
	{unitUL, "unit per liter", "Unit", "UCUM", "Unit", "S", "[U]/L"},
	{unitCelsius, "degree Celsius", "Unit", "UCUM", "Unit", "S", "Cel"},
	{unitRatio, "ratio", "Unit", "UCUM", "Unit", "S", "{ratio}"},
	{unitSecond, "second", "Unit", "UCUM", "Unit", "S", "s"},
	{unitPG, "picogram", "Unit", "UCUM", "Unit", "S", "pg"},
	{unitFL, "femtoliter", "Unit", "UCUM", "Unit", "S", "fL"},
	{unitMGL, "milligram per liter", "Unit", "UCUM", "Unit", "S", "mg/L"},
	{unitMMH, "millimeter per hour", "Unit", "UCUM", "Unit", "S", "mm/h"},
	{unitMUL, "million per microliter", "Unit", "UCUM", "Unit", "S", "10*6/uL"},
	{unitUGDL, "microgram per deciliter", "Unit", "UCUM", "Unit", "S", "ug/dL"},
	{unitNGML, "nanogram per milliliter", "Unit", "UCUM", "Unit", "S", "ng/mL"},
	{unitIUL, "international unit per liter", "Unit", "UCUM", "Unit", "S", "[iU]/L"},
	{unitUMOLL, "micromole per liter", "Unit", "UCUM", "Unit", "S", "umol/L"},
	{unitNGDL, "nanogram per deciliter", "Unit", "UCUM", "Unit", "S", "ng/dL"},
	{positive, "Positive", "Meas Value", "SNOMED", "Qualifier Value", "S", "10828004"},
	{negative, "Negative", "Meas Value", "SNOMED", "Qualifier Value", "S", "260385009"},
}

// Vocabularies, domains and relationships written to their tables, with
// their real OMOP concept ids.
var vocabularies = []struct {
	id, name string
	concept  int64
}{
	{"None", "OMOP Standardized Vocabularies", 44819096},
	{"SNOMED", "Systematic Nomenclature of Medicine - Clinical Terms (IHTSDO)", 44819097},
	{"ICD10CM", "International Classification of Diseases, Tenth Revision, Clinical Modification (NCHS)", 44819098},
	{"LOINC", "Logical Observation Identifiers Names and Codes (Regenstrief Institute)", 44819102},
	{"RxNorm", "RxNorm (NLM)", 44819104},
	{"UCUM", "Unified Code for Units of Measure (Regenstrief Institute)", 44819107},
	{"Gender", "OMOP Gender", 44819108},
	{"Race", "Race and Ethnicity Code Set (USBC)", 44819109},
	{"ATC", "WHO Anatomic Therapeutic Chemical Classification", 44819117},
	{"Visit", "OMOP Visit", 44819119},
	{"Drug Type", "OMOP Drug Exposure Type", 44819126},
	{"Condition Type", "OMOP Condition Occurrence Type", 44819127},
	{"Procedure Type", "OMOP Procedure Occurrence Type", 44819128},
	{"Observation Type", "OMOP Observation Type", 44819129},
	{"Ethnicity", "OMOP Ethnicity", 44819134},
	{"Domain", "OMOP Domain", 44819147},
	{"Obs Period Type", "OMOP Observation Period Type", 44819149},
	{"Visit Type", "OMOP Visit Type", 44819150},
	{"Meas Type", "OMOP Measurement Type", 44819152},
	{"Vocabulary", "OMOP Vocabulary", 44819232},
	{"Concept Class", "OMOP Concept Class", 44819233},
	{"Relationship", "OMOP Relationship", 44819235},
	{"PPI", "AllOfUs_PPI (Columbia)", 581404},
	{"Type Concept", "Type Concept", 0}, // its concept is allocated locally
}

var domains = []struct {
	id      string
	concept int64
}{
	{"Condition", 19}, {"Device", 17}, {"Drug", 13}, {"Ethnicity", 4}, {"Gender", 2},
	{"Meas Value", 24}, {"Measurement", 21}, {"Metadata", 7}, {"Observation", 27},
	{"Procedure", 10}, {"Race", 3}, {"Relationship", 31}, {"Type Concept", 58},
	{"Unit", 16}, {"Visit", 8},
}

var relationships = []struct {
	id, name, reverse     string
	hierarchical, defines bool
	concept               int64 // 0: allocated locally
}{
	{"Maps to", "Non-standard to Standard map (OMOP)", "Mapped from", false, false, 44818977},
	{"Mapped from", "Standard to Non-standard map (OMOP)", "Maps to", false, false, 44818976},
	{"Is a", "Is a", "Subsumes", true, false, 44818821},
	{"Subsumes", "Subsumes", "Is a", true, true, 44818723},
	{"Has answer (PPI)", "Has answer (PPI)", "Answer of (PPI)", false, false, 0},
	{"Answer of (PPI)", "Answer of (PPI)", "Has answer (PPI)", false, false, 0},
}

// Condition hierarchy: body systems (ICD-like chapter letter and first
// number) above categories, most prevalent first.
var conditionSystems = []struct {
	name, letter string
	base         int
	categories   []string
}{
	{"Disorder of cardiovascular system", "I", 10, []string{"Hypertensive disorder", "Ischemic heart disease", "Cardiac arrhythmia", "Heart failure", "Disorder of cardiac valve", "Peripheral vascular disease", "Cerebrovascular disease"}},
	{"Disorder of endocrine system", "E", 10, []string{"Hyperlipidemia", "Diabetes mellitus", "Disorder of thyroid gland", "Obesity", "Vitamin D deficiency", "Disorder of adrenal gland"}},
	{"Disorder of musculoskeletal system", "M", 10, []string{"Low back pain", "Osteoarthritis", "Rheumatoid arthritis", "Osteoporosis", "Gout", "Tendinitis"}},
	{"Mental disorder", "F", 10, []string{"Anxiety disorder", "Depressive disorder", "Insomnia", "Substance use disorder", "Bipolar disorder", "Attention deficit hyperactivity disorder"}},
	{"Disorder of respiratory system", "J", 10, []string{"Upper respiratory infection", "Asthma", "Allergic rhinitis", "Chronic obstructive lung disease", "Pneumonia", "Sleep apnea"}},
	{"Disorder of digestive system", "K", 10, []string{"Gastroesophageal reflux disease", "Irritable bowel syndrome", "Diverticular disease", "Disorder of liver", "Cholelithiasis", "Inflammatory bowel disease", "Appendicitis", "Gastrointestinal hemorrhage", "Polyp of colon"}},
	{"Disorder of nervous system", "G", 10, []string{"Migraine", "Peripheral neuropathy", "Epilepsy", "Dementia", "Parkinsonism", "Multiple sclerosis"}},
	{"Disorder of urinary system", "N", 10, []string{"Urinary tract infection", "Chronic kidney disease", "Kidney stone", "Urinary incontinence", "Acute kidney injury"}},
	{"Disorder of skin", "L", 10, []string{"Dermatitis", "Acne", "Cellulitis", "Psoriasis", "Urticaria"}},
	{"Infectious disease", "A", 10, []string{"Viral infection", "Bacterial infection", "Fungal infection", "Viral hepatitis", "Sepsis"}},
	{"Disorder of eye", "H", 10, []string{"Refractive error", "Cataract", "Conjunctivitis", "Glaucoma", "Macular degeneration"}},
	{"Disorder of ear", "H", 60, []string{"Otitis media", "Hearing loss", "Tinnitus", "Vertigo"}},
	{"Disorder of blood", "D", 50, []string{"Anemia", "Coagulation disorder", "Thrombocytopenia", "Neutropenia"}},
	{"Neoplastic disease", "C", 10, []string{"Benign neoplasm of skin", "Malignant neoplasm of colon", "Malignant neoplasm of lung", "Malignant melanoma of skin", "Lymphoma", "Leukemia", "Malignant tumor of breast", "Neoplasm of prostate"}},
	{"Traumatic injury", "S", 10, []string{"Sprain", "Laceration", "Fracture of bone", "Burn", "Traumatic brain injury"}},
}

// Qualifiers make the lower condition levels: category -> qualified
// category (level 3) -> with severity (level 4) -> with or without
// complication (level 5, on every other level-4 concept).
var (
	conditionQualifiers = []string{"Chronic", "Acute", "Primary", "Secondary", "Recurrent", "Idiopathic", "Drug-induced", "Hereditary", "Early-onset", "Late-onset"}
	conditionSeverities = []string{"mild", "moderate", "severe"}
	conditionCourses    = []string{"with complication", "without complication"}
)

// acuteCategories come and go as episodes rather than staying on a
// person's problem list.
var acuteCategories = map[string]bool{
	"Upper respiratory infection": true, "Pneumonia": true, "Urinary tract infection": true,
	"Cellulitis": true, "Viral infection": true, "Bacterial infection": true, "Fungal infection": true,
	"Conjunctivitis": true, "Otitis media": true, "Acute kidney injury": true, "Sepsis": true,
	"Low back pain": true, "Kidney stone": true, "Urticaria": true, "Tendinitis": true,
	"Appendicitis": true, "Gastrointestinal hemorrhage": true, "Sprain": true, "Laceration": true,
	"Fracture of bone": true, "Burn": true, "Traumatic brain injury": true,
}

// conditionKeywords choose the real conditions of a category: those whose
// names contain one of the words (lower case), in the order of
// conditionSystems, each condition in one category only. A category not
// listed takes the real conditions that contain its own name.
var conditionKeywords = map[string][]string{
	"Hypertensive disorder":                    {"hypertension"},
	"Ischemic heart disease":                   {"coronary", "myocardial infarction"},
	"Cardiac arrhythmia":                       {"atrial fibrillation", "cardiac arrest", "sudden cardiac death"},
	"Peripheral vascular disease":              {"venous thrombosis", "pulmonary embolism"},
	"Cerebrovascular disease":                  {"cerebrovascular"},
	"Hyperlipidemia":                           {"hyperlipidemia", "hypertriglyceridemia", "metabolic syndrome"},
	"Diabetes mellitus":                        {"diabetes", "hyperglycemia"},
	"Disorder of thyroid gland":                {"hypothyroidism"},
	"Low back pain":                            {"pain"},
	"Rheumatoid arthritis":                     {"rheumatoid", "lupus"},
	"Anxiety disorder":                         {"anxiety", "stress", "posttraumatic"},
	"Depressive disorder":                      {"depressi"},
	"Substance use disorder":                   {"alcoholism", "opioid abuse", "misuses drugs", "drug overdose"},
	"Attention deficit hyperactivity disorder": {"attention deficit"},
	"Upper respiratory infection":              {"pharyngitis", "sinusitis", "sore throat", "acute bronchitis", "nasal congestion", "cough"},
	"Asthma":                                   {"asthma", "wheezing"},
	"Chronic obstructive lung disease":         {"emphysema"},
	"Pneumonia":                                {"pneumonia", "covid"},
	"Gastroesophageal reflux disease":          {"gastroesophageal", "esophagitis", "peptic ulcer"},
	"Irritable bowel syndrome":                 {"diarrhea", "constipation"},
	"Cholelithiasis":                           {"gallstone", "cholecystitis"},
	"Inflammatory bowel disease":               {"ulcerative colitis"},
	"Appendicitis":                             {"appendicitis", "appendix"},
	"Gastrointestinal hemorrhage":              {"gastrointestinal hemorrhage", "angiodysplasia", "bleeding from anus"},
	"Polyp of colon":                           {"polyp"},
	"Migraine":                                 {"migraine", "headache"},
	"Epilepsy":                                 {"epilepsy", "seizure"},
	"Dementia":                                 {"alzheimer"},
	"Urinary tract infection":                  {"urinary tract infect", "cystitis", "pyelonephritis"},
	"Chronic kidney disease":                   {"chronic kidney disease", "end-stage renal"},
	"Viral infection":                          {"viral"},
	"Bacterial infection":                      {"bacterial", "staphylococcus", "pseudomonas"},
	"Sepsis":                                   {"sepsis", "shock"},
	"Conjunctivitis":                           {"conjunctiv"},
	"Otitis media":                             {"otitis"},
	"Coagulation disorder":                     {"coagulation"},
	"Malignant neoplasm of colon":              {"malignant neoplasm of colon", "malignant tumor of colon"},
	"Malignant neoplasm of lung":               {"lung cancer", "carcinoma of lung", "malignant neoplasm of lung"},
	"Neoplasm of prostate":                     {"prostate"},
	"Sprain":                                   {"sprain", "whiplash", "ligament", "meniscus", "rotator cuff", "patellar tendon"},
	"Laceration":                               {"laceration", "bullet wound"},
	"Fracture of bone":                         {"fracture"},
	"Burn":                                     {"burn"},
	"Traumatic brain injury":                   {"concussion", "brain injury", "brain damage"},
}

// indications: the ATC 4th-level classes that treat a condition category.
var indications = map[string][]string{
	"Hypertensive disorder":                    {"C09AA", "C09CA", "C08CA", "C03AA", "C07AB"},
	"Ischemic heart disease":                   {"C10AA", "B01AC", "C07AB"},
	"Cardiac arrhythmia":                       {"C07AB", "B01AF", "B01AA"},
	"Heart failure":                            {"C03CA", "C09AA", "C07AB"},
	"Cerebrovascular disease":                  {"B01AC", "C10AA"},
	"Hyperlipidemia":                           {"C10AA"},
	"Diabetes mellitus":                        {"A10BA", "A10BH", "A10BK"},
	"Disorder of thyroid gland":                {"H03AA"},
	"Vitamin D deficiency":                     {"A11CC"},
	"Low back pain":                            {"M01AE", "N02BE", "N02AA"},
	"Osteoarthritis":                           {"M01AE", "M01AH", "N02BE"},
	"Rheumatoid arthritis":                     {"H02AB", "M01AE"},
	"Osteoporosis":                             {"M05BA", "A11CC"},
	"Gout":                                     {"M04AA"},
	"Anxiety disorder":                         {"N06AB", "N05BA"},
	"Depressive disorder":                      {"N06AB", "N06AX"},
	"Epilepsy":                                 {"N03AX"},
	"Dementia":                                 {"N06DA"},
	"Attention deficit hyperactivity disorder": {"N06BA"},
	"Sprain":                                   {"M01AE", "N02BE"},
	"Fracture of bone":                         {"N02AA", "N02BE"},
	"Upper respiratory infection":              {"J01CA", "J01CE", "J01FA"},
	"Asthma":                                   {"R03AC", "R03BA"},
	"Allergic rhinitis":                        {"R06AX"},
	"Chronic obstructive lung disease":         {"R03AC", "R03BA"},
	"Pneumonia":                                {"J01FA", "J01MA"},
	"Gastroesophageal reflux disease":          {"A02BC", "A02BA"},
	"Urinary tract infection":                  {"J01MA", "J01XE", "J01DC"},
	"Urinary incontinence":                     {"G04CA"},
	"Dermatitis":                               {"D07AA"},
	"Psoriasis":                                {"D07AA"},
	"Cellulitis":                               {"J01DC", "J01CA"},
	"Viral infection":                          {"J05AB"},
	"Bacterial infection":                      {"J01CA", "J01MA"},
	"Migraine":                                 {"M01AE", "N02BE"},
	"Peripheral neuropathy":                    {"N03AX"},
}

// ATC classes: 1st level (anatomical group) -> 2nd -> 3rd -> 4th, and the
// name ending of the invented ingredients of a 4th-level class that has no
// real ones.
type atcClass struct {
	code, name string
	stem       string // 4th level only
	form       string // dose form of its clinical drugs
	acute      bool   // short courses rather than maintenance
	// Real ingredients of the class (names of RxNorm ingredients in
	// realvocab.go), whose real clinical drugs persons get; the invented
	// ones, named with stem, only when it has none. drugs names real
	// clinical drugs that sit directly below the class, for want of their
	// ingredient in the samples.
	ingredients, drugs []string
}

var atcClasses = []atcClass{
	{code: "A", name: "ALIMENTARY TRACT AND METABOLISM"},
	{code: "A02", name: "DRUGS FOR ACID RELATED DISORDERS"},
	{code: "A02B", name: "DRUGS FOR PEPTIC ULCER AND GASTRO-OESOPHAGEAL REFLUX DISEASE (GORD)"},
	{code: "A02BA", name: "H2-receptor antagonists", stem: "tidine", form: "Oral Tablet"},
	{code: "A02BC", name: "Proton pump inhibitors", stem: "prazole", form: "Delayed Release Oral Capsule"},
	{code: "A10", name: "DRUGS USED IN DIABETES"},
	{code: "A10B", name: "BLOOD GLUCOSE LOWERING DRUGS, EXCL. INSULINS"},
	{code: "A10BA", name: "Biguanides", drugs: []string{"24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"}},
	{code: "A10BH", name: "Dipeptidyl peptidase 4 (DPP-4) inhibitors", stem: "gliptin", form: "Oral Tablet"},
	{code: "A10BK", name: "Sodium-glucose co-transporter 2 (SGLT2) inhibitors", stem: "gliflozin", form: "Oral Tablet"},
	{code: "A11", name: "VITAMINS"},
	{code: "A11C", name: "VITAMIN A AND D, INCL. COMBINATIONS OF THE TWO"},
	{code: "A11CC", name: "Vitamin D and analogues", stem: "calciferol", form: "Oral Capsule"},
	{code: "B", name: "BLOOD AND BLOOD FORMING ORGANS"},
	{code: "B01", name: "ANTITHROMBOTIC AGENTS"},
	{code: "B01A", name: "ANTITHROMBOTIC AGENTS"},
	{code: "B01AA", name: "Vitamin K antagonists", ingredients: []string{"Warfarin"}},
	{code: "B01AC", name: "Platelet aggregation inhibitors excl. heparin", ingredients: []string{"clopidogrel", "aspirin"}},
	{code: "B01AF", name: "Direct factor Xa inhibitors", stem: "xaban", form: "Oral Tablet"},
	{code: "C", name: "CARDIOVASCULAR SYSTEM"},
	{code: "C03", name: "DIURETICS"},
	{code: "C03A", name: "LOW-CEILING DIURETICS, THIAZIDES"},
	{code: "C03AA", name: "Thiazides, plain", stem: "thiazide", form: "Oral Tablet"},
	{code: "C03C", name: "HIGH-CEILING DIURETICS"},
	{code: "C03CA", name: "Sulfonamides, plain", stem: "semide", form: "Oral Tablet"},
	{code: "C07", name: "BETA BLOCKING AGENTS"},
	{code: "C07A", name: "BETA BLOCKING AGENTS"},
	{code: "C07AB", name: "Beta blocking agents, selective", stem: "olol", form: "Oral Tablet"},
	{code: "C08", name: "CALCIUM CHANNEL BLOCKERS"},
	{code: "C08C", name: "SELECTIVE CALCIUM CHANNEL BLOCKERS WITH MAINLY VASCULAR EFFECTS"},
	{code: "C08CA", name: "Dihydropyridine derivatives", ingredients: []string{"Amlodipine"}},
	{code: "C09", name: "AGENTS ACTING ON THE RENIN-ANGIOTENSIN SYSTEM"},
	{code: "C09A", name: "ACE INHIBITORS, PLAIN"},
	{code: "C09AA", name: "ACE inhibitors, plain", ingredients: []string{"lisinopril"}},
	{code: "C09C", name: "ANGIOTENSIN II RECEPTOR BLOCKERS (ARBs), PLAIN"},
	{code: "C09CA", name: "Angiotensin II receptor blockers (ARBs), plain", stem: "sartan", form: "Oral Tablet"},
	{code: "C10", name: "LIPID MODIFYING AGENTS"},
	{code: "C10A", name: "LIPID MODIFYING AGENTS, PLAIN"},
	{code: "C10AA", name: "HMG CoA reductase inhibitors", ingredients: []string{"atorvastatin", "Simvastatin"}},
	{code: "D", name: "DERMATOLOGICALS"},
	{code: "D07", name: "CORTICOSTEROIDS, DERMATOLOGICAL PREPARATIONS"},
	{code: "D07A", name: "CORTICOSTEROIDS, PLAIN"},
	{code: "D07AA", name: "Corticosteroids, weak (group I)", ingredients: []string{"Hydrocortisone"}, acute: true},
	{code: "G", name: "GENITO URINARY SYSTEM AND SEX HORMONES"},
	{code: "G04", name: "UROLOGICALS"},
	{code: "G04C", name: "DRUGS USED IN BENIGN PROSTATIC HYPERTROPHY"},
	{code: "G04CA", name: "Alpha-adrenoreceptor antagonists", stem: "osin", form: "Oral Capsule"},
	{code: "H", name: "SYSTEMIC HORMONAL PREPARATIONS, EXCL. SEX HORMONES AND INSULINS"},
	{code: "H02", name: "CORTICOSTEROIDS FOR SYSTEMIC USE"},
	{code: "H02A", name: "CORTICOSTEROIDS FOR SYSTEMIC USE, PLAIN"},
	{code: "H02AB", name: "Glucocorticoids", ingredients: []string{"Prednisone"}, acute: true},
	{code: "H03", name: "THYROID THERAPY"},
	{code: "H03A", name: "THYROID PREPARATIONS"},
	{code: "H03AA", name: "Thyroid hormones", ingredients: []string{"levothyroxine"}},
	{code: "J", name: "ANTIINFECTIVES FOR SYSTEMIC USE"},
	{code: "J01", name: "ANTIBACTERIALS FOR SYSTEMIC USE"},
	{code: "J01C", name: "BETA-LACTAM ANTIBACTERIALS, PENICILLINS"},
	{code: "J01CA", name: "Penicillins with extended spectrum", ingredients: []string{"Amoxicillin"}, acute: true},
	{code: "J01CE", name: "Beta-lactamase sensitive penicillins", ingredients: []string{"penicillin V"}, acute: true},
	{code: "J01D", name: "OTHER BETA-LACTAM ANTIBACTERIALS"},
	{code: "J01DC", name: "Second-generation cephalosporins", ingredients: []string{"cefaclor", "cefuroxime"}, acute: true},
	{code: "J01F", name: "MACROLIDES, LINCOSAMIDES AND STREPTOGRAMINS"},
	{code: "J01FA", name: "Macrolides", stem: "thromycin", form: "Oral Tablet", acute: true},
	{code: "J01M", name: "QUINOLONE ANTIBACTERIALS"},
	{code: "J01MA", name: "Fluoroquinolones", stem: "floxacin", form: "Oral Tablet", acute: true},
	{code: "J01X", name: "OTHER ANTIBACTERIALS"},
	{code: "J01XE", name: "Nitrofuran derivatives", ingredients: []string{"Nitrofurantoin"}, acute: true},
	{code: "J05", name: "ANTIVIRALS FOR SYSTEMIC USE"},
	{code: "J05A", name: "DIRECT ACTING ANTIVIRALS"},
	{code: "J05AB", name: "Nucleosides and nucleotides excl. reverse transcriptase inhibitors", stem: "ciclovir", form: "Oral Tablet", acute: true},
	{code: "M", name: "MUSCULO-SKELETAL SYSTEM"},
	{code: "M01", name: "ANTIINFLAMMATORY AND ANTIRHEUMATIC PRODUCTS"},
	{code: "M01A", name: "ANTIINFLAMMATORY AND ANTIRHEUMATIC PRODUCTS, NON-STEROIDS"},
	{code: "M01AE", name: "Propionic acid derivatives", ingredients: []string{"ibuprofen", "Naproxen"}, acute: true},
	{code: "M01AH", name: "Coxibs", stem: "coxib", form: "Oral Capsule"},
	{code: "M04", name: "ANTIGOUT PREPARATIONS"},
	{code: "M04A", name: "ANTIGOUT PREPARATIONS"},
	{code: "M04AA", name: "Preparations inhibiting uric acid production", stem: "purinol", form: "Oral Tablet"},
	{code: "M05", name: "DRUGS FOR TREATMENT OF BONE DISEASES"},
	{code: "M05B", name: "DRUGS AFFECTING BONE STRUCTURE AND MINERALIZATION"},
	{code: "M05BA", name: "Bisphosphonates", ingredients: []string{"Alendronate"}},
	{code: "N", name: "NERVOUS SYSTEM"},
	{code: "N02", name: "ANALGESICS"},
	{code: "N02A", name: "OPIOIDS"},
	{code: "N02AA", name: "Natural opium alkaloids", ingredients: []string{"Oxycodone", "Hydrocodone", "Morphine"}, acute: true},
	{code: "N02B", name: "OTHER ANALGESICS AND ANTIPYRETICS"},
	{code: "N02BE", name: "Anilides", ingredients: []string{"Acetaminophen"}, acute: true},
	{code: "N03", name: "ANTIEPILEPTICS"},
	{code: "N03A", name: "ANTIEPILEPTICS"},
	{code: "N03AX", name: "Other antiepileptics", stem: "iracetam", form: "Oral Tablet"},
	{code: "N05", name: "PSYCHOLEPTICS"},
	{code: "N05B", name: "ANXIOLYTICS"},
	{code: "N05BA", name: "Benzodiazepine derivatives", ingredients: []string{"Lorazepam", "Diazepam"}},
	{code: "N06", name: "PSYCHOANALEPTICS"},
	{code: "N06A", name: "ANTIDEPRESSANTS"},
	{code: "N06AB", name: "Selective serotonin reuptake inhibitors", stem: "oxetine", form: "Oral Tablet"},
	{code: "N06AX", name: "Other antidepressants", stem: "afaxine", form: "Extended Release Oral Capsule"},
	{code: "N06B", name: "PSYCHOSTIMULANTS, AGENTS USED FOR ADHD AND NOOTROPICS"},
	{code: "N06BA", name: "Centrally acting sympathomimetics", ingredients: []string{"Methylphenidate", "atomoxetine"}},
	{code: "N06D", name: "ANTI-DEMENTIA DRUGS"},
	{code: "N06DA", name: "Anticholinesterases", ingredients: []string{"donepezil", "Galantamine"}},
	{code: "R", name: "RESPIRATORY SYSTEM"},
	{code: "R03", name: "DRUGS FOR OBSTRUCTIVE AIRWAY DISEASES"},
	{code: "R03A", name: "ADRENERGICS, INHALANTS"},
	{code: "R03AC", name: "Selective beta-2-adrenoreceptor agonists", ingredients: []string{"Albuterol"}},
	{code: "R03B", name: "OTHER DRUGS FOR OBSTRUCTIVE AIRWAY DISEASES, INHALANTS"},
	{code: "R03BA", name: "Glucocorticoids", ingredients: []string{"fluticasone"}},
	{code: "R06", name: "ANTIHISTAMINES FOR SYSTEMIC USE"},
	{code: "R06A", name: "ANTIHISTAMINES FOR SYSTEMIC USE"},
	{code: "R06AX", name: "Other antihistamines for systemic use", ingredients: []string{"Loratadine", "fexofenadine"}},
}

// Syllables that start invented ingredient names.
var drugPrefixes = []string{"al", "bel", "car", "dex", "el", "fen", "gal", "hal", "lor", "mar", "nor", "pal", "quin", "ral", "sel", "tal", "val", "zol", "bri", "cla", "dor", "ex", "flu", "ino", "kel", "mol", "ob", "pri", "ro", "sa", "te", "ul", "ve", "xa", "am", "cor"}
var drugMiddles = []string{"o", "i", "a", "e", "u", "ar", "en", "it"}

var drugStrengths = []float64{2.5, 5, 10, 20, 25, 40, 50, 100, 200, 250, 500}

// labTest describes a lab or vital sign: unit and value distribution
// (normal, or log-normal when logNormal; clipped to [min, max]), reference
// range, and categorical answers instead of a number when answers is set.
type labTest struct {
	name            string
	unit            int64
	mean, sd        float64
	logNormal       bool
	min, max        float64
	low, high       float64 // reference range; both 0 = none
	decimals        int
	answers         []string
	answerWeights   []float64
	sexDiff         float64 // added to mean for men
	id              int64
	code            string
	unitCode        string
	answerIDs       []int64
	answerPick      picker
	conditionEffect string // condition category that shifts the mean
	effect          float64
}

type labPanel struct {
	group, category string // LOINC-like hierarchy: category -> group -> tests
	tests           []labTest
}

var labPanels = []labPanel{
	{"Basic metabolic panel", "Chemistry", []labTest{
		{name: "Glucose [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 98, sd: 0.18, logNormal: true, min: 40, max: 600, low: 70, high: 99, conditionEffect: "Diabetes mellitus", effect: 55},
		{name: "Sodium [Moles/volume] in Serum or Plasma", unit: unitMMOLL, mean: 139, sd: 2.8, min: 120, max: 160, low: 136, high: 145},
		{name: "Potassium [Moles/volume] in Serum or Plasma", unit: unitMMOLL, mean: 4.2, sd: 0.4, min: 2.5, max: 7, low: 3.5, high: 5.1, decimals: 1},
		{name: "Chloride [Moles/volume] in Serum or Plasma", unit: unitMMOLL, mean: 103, sd: 3, min: 85, max: 120, low: 98, high: 107},
		{name: "Carbon dioxide, total [Moles/volume] in Serum or Plasma", unit: unitMMOLL, mean: 26, sd: 2.5, min: 12, max: 40, low: 22, high: 29},
		{name: "Urea nitrogen [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 15, sd: 0.3, logNormal: true, min: 3, max: 120, low: 7, high: 20, conditionEffect: "Chronic kidney disease", effect: 18},
		{name: "Creatinine [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 0.9, sd: 0.22, logNormal: true, min: 0.3, max: 12, low: 0.6, high: 1.2, decimals: 2, sexDiff: 0.2, conditionEffect: "Chronic kidney disease", effect: 1.1},
		{name: "Calcium [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 9.4, sd: 0.4, min: 6, max: 13, low: 8.6, high: 10.3, decimals: 1},
	}},
	{"Lipid panel", "Chemistry", []labTest{
		{name: "Cholesterol [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 190, sd: 38, min: 80, max: 400, high: 200, conditionEffect: "Hyperlipidemia", effect: 35},
		{name: "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation", unit: unitMGDL, mean: 112, sd: 32, min: 20, max: 300, high: 100, conditionEffect: "Hyperlipidemia", effect: 30},
		{name: "Cholesterol in HDL [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 54, sd: 14, min: 15, max: 120, low: 40, sexDiff: -9},
		{name: "Triglyceride [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 125, sd: 0.45, logNormal: true, min: 30, max: 1500, high: 150, conditionEffect: "Diabetes mellitus", effect: 40},
	}},
	{"Complete blood count", "Hematology", []labTest{
		{name: "Hemoglobin [Mass/volume] in Blood", unit: unitGDL, mean: 13.2, sd: 1.3, min: 5, max: 20, low: 12, high: 17.5, decimals: 1, sexDiff: 1.6, conditionEffect: "Anemia", effect: -2.2},
		{name: "Hematocrit [Volume Fraction] of Blood", unit: unitPercent, mean: 40, sd: 3.8, min: 15, max: 60, low: 36, high: 50, decimals: 1, sexDiff: 4, conditionEffect: "Anemia", effect: -6},
		{name: "Leukocytes [#/volume] in Blood", unit: unitKUL, mean: 7.2, sd: 0.28, logNormal: true, min: 1, max: 40, low: 4.5, high: 11, decimals: 1},
		{name: "Erythrocytes [#/volume] in Blood", unit: unitMUL, mean: 4.6, sd: 0.45, min: 2, max: 7, low: 4.2, high: 5.9, decimals: 2, sexDiff: 0.5},
		{name: "Platelets [#/volume] in Blood", unit: unitKUL, mean: 250, sd: 60, min: 20, max: 800, low: 150, high: 400, conditionEffect: "Thrombocytopenia", effect: -120},
		{name: "MCV [Entitic volume]", unit: unitFL, mean: 90, sd: 5, min: 60, max: 120, low: 80, high: 100, decimals: 1},
		{name: "MCH [Entitic mass]", unit: unitPG, mean: 30, sd: 2, min: 18, max: 40, low: 27, high: 33, decimals: 1},
		{name: "MCHC [Mass/volume]", unit: unitGDL, mean: 33.5, sd: 1.2, min: 28, max: 38, low: 32, high: 36, decimals: 1},
		{name: "Erythrocyte distribution width [Ratio]", unit: unitPercent, mean: 13.5, sd: 1.1, min: 10, max: 25, low: 11.5, high: 14.5, decimals: 1},
	}},
	{"Hepatic function panel", "Chemistry", []labTest{
		{name: "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", unit: unitUL, mean: 24, sd: 0.45, logNormal: true, min: 4, max: 900, low: 7, high: 56, conditionEffect: "Disorder of liver", effect: 40},
		{name: "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", unit: unitUL, mean: 23, sd: 0.4, logNormal: true, min: 5, max: 900, low: 10, high: 40, conditionEffect: "Disorder of liver", effect: 30},
		{name: "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", unit: unitUL, mean: 75, sd: 0.3, logNormal: true, min: 20, max: 800, low: 44, high: 147},
		{name: "Bilirubin.total [Mass/volume] in Serum or Plasma", unit: unitMGDL, mean: 0.6, sd: 0.45, logNormal: true, min: 0.1, max: 15, low: 0.1, high: 1.2, decimals: 1},
		{name: "Albumin [Mass/volume] in Serum or Plasma", unit: unitGDL, mean: 4.2, sd: 0.35, min: 1.5, max: 5.5, low: 3.5, high: 5, decimals: 1},
		{name: "Protein [Mass/volume] in Serum or Plasma", unit: unitGDL, mean: 7, sd: 0.5, min: 4, max: 10, low: 6, high: 8.3, decimals: 1},
	}},
	{"Diabetes monitoring", "Chemistry", []labTest{
		{name: "Hemoglobin A1c/Hemoglobin.total in Blood", unit: unitPercent, mean: 5.5, sd: 0.45, min: 4, max: 15, high: 5.7, decimals: 1, conditionEffect: "Diabetes mellitus", effect: 2},
		{name: "Microalbumin/Creatinine [Mass Ratio] in Urine", unit: unitRatio, mean: 12, sd: 0.9, logNormal: true, min: 1, max: 2000, high: 30, decimals: 1},
	}},
	{"Renal function", "Chemistry", []labTest{
		{name: "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood", unit: unitGFR, mean: 88, sd: 18, min: 5, max: 150, low: 60, conditionEffect: "Chronic kidney disease", effect: -40},
	}},
	{"Thyroid function", "Endocrinology", []labTest{
		{name: "Thyrotropin [Units/volume] in Serum or Plasma", unit: unitMIUL, mean: 1.8, sd: 0.5, logNormal: true, min: 0.01, max: 60, low: 0.4, high: 4.5, decimals: 2, conditionEffect: "Disorder of thyroid gland", effect: 2.5},
		{name: "Thyroxine (T4) free [Mass/volume] in Serum or Plasma", unit: unitNGDL, mean: 1.2, sd: 0.2, min: 0.2, max: 5, low: 0.8, high: 1.8, decimals: 2},
	}},
	{"Iron and vitamins", "Chemistry", []labTest{
		{name: "Ferritin [Mass/volume] in Serum or Plasma", unit: unitNGML, mean: 90, sd: 0.8, logNormal: true, min: 3, max: 3000, low: 20, high: 300, sexDiff: 60, conditionEffect: "Anemia", effect: -60},
		{name: "25-hydroxyvitamin D3 [Mass/volume] in Serum or Plasma", unit: unitNGML, mean: 30, sd: 10, min: 4, max: 120, low: 30, high: 100, decimals: 1, conditionEffect: "Vitamin D deficiency", effect: -14},
		{name: "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma", unit: unitPGML, mean: 480, sd: 0.4, logNormal: true, min: 80, max: 2000, low: 200, high: 900},
		{name: "Iron [Mass/volume] in Serum or Plasma", unit: unitUGDL, mean: 95, sd: 30, min: 10, max: 300, low: 60, high: 170},
	}},
	{"Inflammation markers", "Chemistry", []labTest{
		{name: "C reactive protein [Mass/volume] in Serum or Plasma", unit: unitMGL, mean: 2.5, sd: 1.1, logNormal: true, min: 0.1, max: 300, high: 10, decimals: 1},
		{name: "Erythrocyte sedimentation rate", unit: unitMMH, mean: 12, sd: 0.7, logNormal: true, min: 1, max: 130, high: 20},
	}},
	{"Coagulation studies", "Coagulation", []labTest{
		{name: "INR in Platelet poor plasma by Coagulation assay", unit: unitRatio, mean: 1.05, sd: 0.15, min: 0.8, max: 6, low: 0.8, high: 1.2, decimals: 2},
		{name: "Prothrombin time (PT)", unit: unitSecond, mean: 12.5, sd: 1.3, min: 9, max: 60, low: 11, high: 13.5, decimals: 1},
		{name: "aPTT in Platelet poor plasma by Coagulation assay", unit: unitSecond, mean: 30, sd: 4, min: 18, max: 120, low: 25, high: 35, decimals: 1},
	}},
	{"Urinalysis", "Urinalysis", []labTest{
		{name: "Appearance of Urine", answers: []string{"Clear", "Cloudy", "Turbid"}, answerWeights: []float64{80, 15, 5}},
		{name: "Nitrite [Presence] in Urine by Test strip", answers: []string{"Negative", "Positive"}, answerWeights: []float64{92, 8}},
		{name: "Protein [Presence] in Urine by Test strip", answers: []string{"Negative", "Trace", "1+", "2+", "3+"}, answerWeights: []float64{75, 12, 8, 4, 1}},
		{name: "Glucose [Presence] in Urine by Test strip", answers: []string{"Negative", "Trace", "1+", "2+", "3+"}, answerWeights: []float64{90, 4, 3, 2, 1}},
		{name: "Specific gravity of Urine by Test strip", unit: unitRatio, mean: 1.018, sd: 0.006, min: 1.001, max: 1.04, low: 1.005, high: 1.03, decimals: 3},
		{name: "pH of Urine by Test strip", unit: unitPH, mean: 6, sd: 0.7, min: 4.5, max: 9, low: 4.5, high: 8, decimals: 1},
	}},
	{"Serology and microbiology", "Serology", []labTest{
		{name: "SARS-CoV-2 RNA [Presence] in Respiratory specimen by NAA with probe detection", answers: []string{"Negative", "Positive"}, answerWeights: []float64{88, 12}},
		{name: "Streptococcus pyogenes Ag [Presence] in Throat", answers: []string{"Negative", "Positive"}, answerWeights: []float64{80, 20}},
		{name: "Hepatitis B virus surface Ag [Presence] in Serum", answers: []string{"Negative", "Positive"}, answerWeights: []float64{99, 1}},
		{name: "HIV 1+2 Ab [Presence] in Serum or Plasma", answers: []string{"Negative", "Positive"}, answerWeights: []float64{99.5, 0.5}},
		{name: "ABO group [Type] in Blood", answers: []string{"Blood group A", "Blood group B", "Blood group AB", "Blood group O"}, answerWeights: []float64{40, 11, 4, 45}},
		{name: "Rh [Type] in Blood", answers: []string{"Rh positive", "Rh negative"}, answerWeights: []float64{85, 15}},
	}},
}

// Units without a real id that this generator is sure of get local ids.
const (
	unitGFR  int64 = idsMeta + 101 // mL/min/{1.73_m2}
	unitMIUL int64 = idsMeta + 102 // m[IU]/L
	unitPGML int64 = idsMeta + 103 // pg/mL
	unitPH   int64 = idsMeta + 104 // [pH]
)

var localUnits = []struct {
	id         int64
	name, code string
}{
	{unitGFR, "milliliter per minute per 1.73 square meter", "mL/min/{1.73_m2}"},
	{unitMIUL, "milli-international unit per liter", "m[IU]/L"},
	{unitPGML, "picogram per milliliter", "pg/mL"},
	{unitPH, "pH", "[pH]"},
}

// Vital signs measured at outpatient and emergency visits.
var vitalSigns = []labTest{
	{id: SystolicBP, name: "Systolic blood pressure", unit: unitMMHg},
	{id: DiastolicBP, name: "Diastolic blood pressure", unit: unitMMHg},
	{id: HeartRate, name: "Heart rate", unit: unitPerMin},
	{id: BodyHeight, name: "Body height", unit: unitCM},
	{id: BodyWeight, name: "Body weight", unit: unitKG},
	{id: BodyMassIndex, name: "Body mass index (BMI) [Ratio]", unit: unitKGM2},
	{id: BodyTemperature, name: "Body temperature", unit: unitCelsius},
	{id: RespiratoryRate, name: "Respiratory rate", unit: unitPerMin},
	{id: OxygenSaturation, name: "Oxygen saturation in Arterial blood by Pulse oximetry", unit: unitPercent},
}

// Procedures: category -> kind -> kind at a site (or kind's variants).
var procedureTree = []struct {
	category string
	kinds    []string
	sites    []string
}{
	{"Evaluation and management procedure", []string{"Office visit", "Hospital inpatient care", "Emergency department visit", "Consultation", "Telehealth visit"}, []string{"new patient, low complexity", "new patient, moderate complexity", "established patient, low complexity", "established patient, moderate complexity", "established patient, high complexity"}},
	{"Immunization", []string{"Influenza vaccination", "Pneumococcal vaccination", "Tetanus and diphtheria vaccination", "Hepatitis B vaccination", "COVID-19 vaccination", "Herpes zoster vaccination"}, []string{"first dose", "second dose", "booster dose"}},
	{"Imaging", []string{"Radiography", "Computed tomography", "Magnetic resonance imaging", "Ultrasonography"}, []string{"chest", "abdomen", "head", "lumbar spine", "knee", "hip", "shoulder", "pelvis"}},
	{"Diagnostic procedure", []string{"Electrocardiogram", "Echocardiography", "Spirometry", "Colonoscopy", "Upper gastrointestinal endoscopy", "Polysomnography", "Exercise stress test"}, []string{"routine", "with interpretation", "follow-up"}},
	{"Laboratory procedure", []string{"Venipuncture", "Collection of urine specimen", "Throat swab", "Nasopharyngeal swab"}, []string{"routine", "for culture"}},
	{"Therapeutic procedure", []string{"Physical therapy", "Injection", "Intravenous infusion", "Psychotherapy", "Hemodialysis", "Wound care"}, []string{"initial session", "subsequent session", "30 minutes", "60 minutes"}},
	{"Surgical procedure", []string{"Excision", "Biopsy", "Repair", "Arthroscopy", "Incision and drainage", "Removal of foreign body"}, []string{"skin", "knee", "shoulder", "breast", "colon", "hand", "foot"}},
}

// EHR observations: category -> items; items with answers record a value
// concept.
var observationTree = []struct {
	category string
	items    []string
	answers  []string
	weights  []float64
}{
	{"Tobacco use and exposure", []string{"Tobacco smoking status"}, []string{"Never smoker", "Former smoker", "Current every day smoker", "Current some day smoker"}, []float64{58, 26, 12, 4}},
	{"Alcohol consumption", []string{"Alcohol intake"}, []string{"Drinks alcohol", "Does not drink alcohol", "Heavy drinker"}, []float64{55, 40, 5}},
	{"Family history of clinical finding", []string{"Family history of hypertension", "Family history of diabetes mellitus", "Family history of ischemic heart disease", "Family history of malignant neoplasm", "Family history of stroke", "Family history of depression", "Family history of asthma", "Family history of dementia"}, nil, nil},
	{"History of clinical finding", []string{"History of fall", "History of smoking", "History of alcohol abuse", "History of fracture", "History of surgery", "History of myocardial infarction", "History of pulmonary embolism", "History of COVID-19"}, nil, nil},
	{"Allergy status", []string{"Allergy to penicillin", "Allergy to sulfonamide", "Allergy to peanut", "Allergy to latex", "Allergy to shellfish", "Allergy to aspirin", "Allergy to codeine", "Allergy to pollen"}, nil, nil},
	{"Social context", []string{"Lives alone", "Unemployed", "Lack of transportation", "Housing instability", "Food insecurity", "Caregiver stress", "Limited social contact"}, nil, nil},
	{"Functional status", []string{"Difficulty walking", "Uses walking aid", "Dependent for bathing", "Impaired vision", "Impaired hearing", "Cognitive impairment", "Frailty"}, nil, nil},
}

// Devices: category -> items.
var deviceTree = []struct {
	category string
	items    []string
}{
	{"Monitoring device", []string{"Blood glucose meter", "Continuous glucose monitor", "Blood pressure monitor", "Pulse oximeter", "Holter monitor"}},
	{"Orthopedic device", []string{"Knee brace", "Wrist splint", "Cervical collar", "Walking cane", "Wheelchair", "Walker"}},
	{"Respiratory device", []string{"Nebulizer", "Continuous positive airway pressure unit", "Oxygen concentrator", "Inhaler spacer"}},
	{"Catheter", []string{"Urinary catheter", "Central venous catheter", "Peripheral intravenous catheter"}},
	{"Implant", []string{"Cardiac pacemaker", "Intraocular lens", "Hip prosthesis", "Knee prosthesis", "Coronary artery stent", "Insulin pump"}},
	{"Wound care device", []string{"Wound dressing", "Compression stocking", "Negative pressure wound therapy unit"}},
}

// questionKind tells how an answer is chosen.
type questionKind int

const (
	answerWeighted questionKind = iota // by the weights
	answerNumber                       // value_as_number in [lo, hi]
	answerGender                       // follows sex at birth
	answerRace                         // follows race and ethnicity
	answerHistory                      // yes when the person has the condition category
)

type surveyQuestion struct {
	code, name string
	kind       questionKind
	answers    []string
	weights    []float64
	lo, hi     int    // answerNumber
	category   string // answerHistory
	after      string // asked only when the question with this code was answered "Yes"
}

type surveyModule struct {
	code, name string
	share      float64 // of enrolled participants who complete it
	later      bool    // completed some time after enrollment
	questions  []surveyQuestion
}

var yesNo = []string{"Yes", "No"}

func history(code, name, category string) surveyQuestion {
	return surveyQuestion{code: code, name: name, kind: answerHistory, answers: []string{"Yes", "No", "Don't know"}, category: category}
}

var surveyModules = []surveyModule{
	{"TheBasics", "The Basics", 1, false, []surveyQuestion{
		{code: "TheBasics_Birthplace", name: "Birthplace: Birthplace", answers: []string{"USA", "Other country"}, weights: []float64{86, 14}},
		{code: "Race_WhatRaceEthnicity", name: "Race: What Race Ethnicity", kind: answerRace, answers: []string{"White", "Black, African American, or African", "Asian", "American Indian or Alaska Native", "Native Hawaiian or other Pacific Islander", "Hispanic, Latino, or Spanish", "None of these"}},
		{code: "Gender_GenderIdentity", name: "Gender: Gender Identity", kind: answerGender, answers: []string{"Man", "Woman", "Non-binary", "Transgender", "Additional options"}},
		{code: "TheBasics_SexualOrientation", name: "The Basics: Sexual Orientation", answers: []string{"Straight", "Gay", "Lesbian", "Bisexual", "None of these"}, weights: []float64{87, 3, 2, 5, 3}},
		{code: "EducationLevel_HighestGrade", name: "Education Level: Highest Grade", answers: []string{"Never attended school", "One through four", "Five through eight", "Nine through eleven", "Twelve or GED", "College one to three", "College graduate", "Advanced degree"}, weights: []float64{0.5, 1, 2, 5, 22, 28, 24, 17.5}},
		{code: "Employment_EmploymentStatus", name: "Employment: Employment Status", answers: []string{"Employed for wages", "Self-employed", "Out of work", "Homemaker", "Student", "Retired", "Unable to work"}, weights: []float64{45, 8, 6, 5, 4, 22, 10}},
		{code: "Income_AnnualIncome", name: "Income: Annual Income", answers: []string{"Less than 10k", "10k to 25k", "25k to 35k", "35k to 50k", "50k to 75k", "75k to 100k", "100k to 150k", "150k to 200k", "More than 200k"}, weights: []float64{12, 15, 10, 12, 15, 11, 12, 6, 7}},
		{code: "MaritalStatus_CurrentMaritalStatus", name: "Marital Status: Current Marital Status", answers: []string{"Married", "Never married", "Divorced", "Widowed", "Separated", "Living with partner"}, weights: []float64{45, 28, 13, 7, 3, 4}},
		{code: "HomeOwn_CurrentHomeOwn", name: "Home Own: Current Home Own", answers: []string{"Own", "Rent", "Other arrangement"}, weights: []float64{52, 40, 8}},
		{code: "Insurance_HealthInsurance", name: "Insurance: Health Insurance", answers: yesNo, weights: []float64{91, 9}},
		{code: "LivingSituation_HowManyPeople", name: "Living Situation: How Many People", kind: answerNumber, lo: 1, hi: 8},
	}},
	{"OverallHealth", "Overall Health", 0.96, false, []surveyQuestion{
		{code: "OverallHealth_GeneralHealth", name: "Overall Health: General Health", answers: []string{"Excellent", "Very good", "Good", "Fair", "Poor"}, weights: []float64{12, 32, 35, 16, 5}},
		{code: "OverallHealth_GeneralMentalHealth", name: "Overall Health: General Mental Health", answers: []string{"Excellent", "Very good", "Good", "Fair", "Poor"}, weights: []float64{16, 31, 32, 16, 5}},
		{code: "OverallHealth_EverydayActivities", name: "Overall Health: Everyday Activities", answers: []string{"Completely", "Mostly", "Moderately", "A little", "Not at all"}, weights: []float64{58, 22, 11, 6, 3}},
		{code: "OverallHealth_AveragePain7Days", name: "Overall Health: Average Pain 7 Days", kind: answerNumber, lo: 0, hi: 10},
		{code: "OverallHealth_AverageFatigue7Days", name: "Overall Health: Average Fatigue 7 Days", answers: []string{"None", "Mild", "Moderate", "Severe", "Very severe"}, weights: []float64{25, 38, 26, 9, 2}},
		{code: "OverallHealth_OrganTransplant", name: "Overall Health: Organ Transplant", answers: yesNo, weights: []float64{2, 98}},
	}},
	{"Lifestyle", "Lifestyle", 0.95, false, []surveyQuestion{
		{code: "Smoking_100CigsLifetime", name: "Smoking: 100 Cigs Lifetime", answers: yesNo, weights: []float64{38, 62}},
		{code: "Smoking_SmokeFrequency", name: "Smoking: Smoke Frequency", after: "Smoking_100CigsLifetime", answers: []string{"Every day", "Some days", "Not at all"}, weights: []float64{12, 5, 83}},
		{code: "ElectronicSmoking_ElectricSmokeParticipant", name: "Electronic Smoking: Electric Smoke Participant", answers: yesNo, weights: []float64{15, 85}},
		{code: "Alcohol_AlcoholParticipant", name: "Alcohol: Alcohol Participant", answers: yesNo, weights: []float64{78, 22}},
		{code: "Alcohol_DrinkFrequencyPastYear", name: "Alcohol: Drink Frequency Past Year", after: "Alcohol_AlcoholParticipant", answers: []string{"Never", "Monthly or less", "2 to 4 per month", "2 to 3 per week", "4 or more per week"}, weights: []float64{20, 30, 20, 15, 15}},
		{code: "Alcohol_AverageDailyDrinkCount", name: "Alcohol: Average Daily Drink Count", after: "Alcohol_AlcoholParticipant", answers: []string{"1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"}, weights: []float64{65, 20, 8, 4, 3}},
		{code: "RecreationalDrugUse_WhichDrugsUsed", name: "Recreational Drug Use: Which Drugs Used", answers: []string{"Marijuana", "Cocaine", "Prescription opioids", "Stimulants", "None of these"}, weights: []float64{40, 8, 6, 4, 42}},
		{code: "PhysicalActivity_DaysVigorousActivity", name: "Physical Activity: Days Vigorous Activity", kind: answerNumber, lo: 0, hi: 7},
	}},
	{"PersonalMedicalHistory", "Personal Medical History", 0.35, true, []surveyQuestion{
		history("CirculatoryConditions_Hypertension", "Circulatory Conditions: Hypertension", "Hypertensive disorder"),
		history("CirculatoryConditions_CoronaryArteryDisease", "Circulatory Conditions: Coronary Artery Disease", "Ischemic heart disease"),
		history("EndocrineConditions_Type2Diabetes", "Endocrine Conditions: Type 2 Diabetes", "Diabetes mellitus"),
		history("EndocrineConditions_HighCholesterol", "Endocrine Conditions: High Cholesterol", "Hyperlipidemia"),
		history("RespiratoryConditions_Asthma", "Respiratory Conditions: Asthma", "Asthma"),
		history("RespiratoryConditions_COPD", "Respiratory Conditions: COPD", "Chronic obstructive lung disease"),
		history("MentalHealth_Depression", "Mental Health: Depression", "Depressive disorder"),
		history("MentalHealth_Anxiety", "Mental Health: Anxiety", "Anxiety disorder"),
		history("BoneJointMuscle_Osteoarthritis", "Bone Joint Muscle: Osteoarthritis", "Osteoarthritis"),
		history("KidneyConditions_KidneyDisease", "Kidney Conditions: Kidney Disease", "Chronic kidney disease"),
	}},
	{"HealthcareAccess", "Health Care Access & Utilization", 0.4, true, []surveyQuestion{
		{code: "HealthAdvice_WhereUsuallyGo", name: "Health Advice: Where Usually Go", answers: []string{"Doctor's office", "Urgent care", "Emergency room", "No usual place"}, weights: []float64{70, 10, 5, 15}},
		{code: "DelayedMedicalCare_Cost", name: "Delayed Medical Care: Cost", answers: yesNo, weights: []float64{15, 85}},
		{code: "HealthInsurance_InsuranceTypeUpdate", name: "Health Insurance: Insurance Type", answers: []string{"Employer or union", "Medicare", "Medicaid", "Purchased", "VA", "Other", "None"}, weights: []float64{45, 20, 15, 8, 3, 4, 5}},
		{code: "HealthcareAccess_ProviderVisitsPastYear", name: "Health Care Access: Provider Visits Past Year", kind: answerNumber, lo: 0, hi: 20},
		{code: "HealthcareAccess_DentalVisitPastYear", name: "Health Care Access: Dental Visit Past Year", answers: yesNo, weights: []float64{64, 36}},
	}},
	{"FamilyHealthHistory", "Family Health History", 0.3, true, []surveyQuestion{
		{code: "FamilyHistory_HypertensionInFamily", name: "Family History: Hypertension", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{55, 35, 10}},
		{code: "FamilyHistory_DiabetesInFamily", name: "Family History: Type 2 Diabetes", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{40, 50, 10}},
		{code: "FamilyHistory_HeartAttackInFamily", name: "Family History: Heart Attack", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{30, 58, 12}},
		{code: "FamilyHistory_CancerInFamily", name: "Family History: Cancer", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{45, 43, 12}},
		{code: "FamilyHistory_StrokeInFamily", name: "Family History: Stroke", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{22, 65, 13}},
		{code: "FamilyHistory_DepressionInFamily", name: "Family History: Depression", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{35, 50, 15}},
		{code: "FamilyHistory_AsthmaInFamily", name: "Family History: Asthma", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{25, 65, 10}},
		{code: "FamilyHistory_DementiaInFamily", name: "Family History: Dementia", answers: []string{"Yes", "No", "Don't know"}, weights: []float64{20, 65, 15}},
	}},
	{"SocialDeterminantsOfHealth", "Social Determinants of Health", 0.3, true, []surveyQuestion{
		{code: "Neighborhood_SafeWalking", name: "Neighborhood: Safe Walking", answers: []string{"Strongly agree", "Agree", "Disagree", "Strongly disagree"}, weights: []float64{35, 45, 14, 6}},
		{code: "FoodInsecurity_WorriedFoodRunOut", name: "Food Insecurity: Worried Food Run Out", answers: []string{"Often true", "Sometimes true", "Never true"}, weights: []float64{7, 18, 75}},
		{code: "Housing_StableHousing", name: "Housing: Stable Housing", answers: yesNo, weights: []float64{94, 6}},
		{code: "SocialSupport_SomeoneToHelp", name: "Social Support: Someone To Help", answers: []string{"None of the time", "A little of the time", "Some of the time", "Most of the time", "All of the time"}, weights: []float64{5, 10, 20, 30, 35}},
		{code: "Loneliness_HowOftenIsolated", name: "Loneliness: How Often Isolated", answers: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}, weights: []float64{25, 30, 30, 11, 4}},
		{code: "Discrimination_LessRespect", name: "Discrimination: Treated With Less Respect", answers: []string{"Never", "Less than once a year", "A few times a year", "A few times a month", "At least once a week"}, weights: []float64{45, 20, 22, 9, 4}},
	}},
}

// Physical measurements recorded at enrollment, as All of Us records
// them: the source concept is the PPI concept of the program's
// measurement protocol (names and codes as All of Us has them; the ids are
// invented because the samples hold no PPI concept), and the standard
// concept is the real LOINC one the samples hold (standard), which the
// PPI concept "Maps to". Waist and hip circumference have no LOINC
// concept in the samples: their PPI concept is their standard concept.
var physicalMeasurements = []struct {
	id         int64
	code, name string
	unit       int64
	standard   int64 // the LOINC concept; 0 when the samples have none
}{
	{PMSystolicBP, "blood-pressure-systolic-mean", "Computed systolic blood pressure, mean of 2nd and 3rd measures", unitMMHg, SystolicBP},
	{PMDiastolicBP, "blood-pressure-diastolic-mean", "Computed diastolic blood pressure, mean of 2nd and 3rd measures", unitMMHg, DiastolicBP},
	{PMHeight, "height", "Height", unitCM, BodyHeight},
	{PMWeight, "weight", "Weight", unitKG, BodyWeight},
	{PMBMI, "bmi", "BMI", unitKGM2, BodyMassIndex},
	{PMHeartRate, "heart-rate-mean", "Computed heart rate, mean of 2nd and 3rd measures", unitPerMin, HeartRate},
	{PMWaist, "waist-circumference-mean", "Computed waist circumference, mean of all measures", unitCM, 0},
	{PMHip, "hip-circumference-mean", "Computed hip circumference, mean of all measures", unitCM, 0},
}
