package app

// Quiz is the quiz of the ethics training: every question must be
// answered right to complete the step. The pages of the training that it
// asks about are web/templates/access_training.html.
var Quiz = []Question{
	{
		ID:   "q1",
		Text: "Row-level data of the registered tier lists no names or addresses. Is it anonymous?",
		Choices: []Choice{
			{"a", "Yes: without names, no one can be recognised."},
			{"b", "No: dates, places, rare conditions and their combination can single a person out."},
			{"c", "Only the records of participants who died."},
		},
		answer: "b",
		Hint:   "read “Participants and their privacy” again: data without names can still point to one person.",
	},
	{
		ID:   "q2",
		Text: "You notice that a cohort you built has 4 participants, one of whom you think you know. What do you do?",
		Choices: []Choice{
			{"a", "Check the other data of that participant to be sure."},
			{"b", "Stop, make no attempt to identify them, and tell the administrators."},
			{"c", "Mention it to a colleague who may know them too."},
		},
		answer: "b",
		Hint:   "read “Re-identification” again: never try to learn who a participant is, and report it.",
	},
	{
		ID:   "q3",
		Text: "Which counts may you show in a paper, a talk or a screenshot?",
		Choices: []Choice{
			{"a", "Any count, as long as it has no participant id beside it."},
			{"b", "Counts of 20 or fewer participants only."},
			{"c", "Counts above 20: a count from 1 to 20 is shown as “20 or fewer”, and none may be derived by subtracting others."},
		},
		answer: "c",
		Hint:   "read “The data use rules” again: small counts, and counts that differ by a few, are never shown.",
	},
	{
		ID:   "q4",
		Text: "May you copy rows of a dataset to your laptop to work on them offline?",
		Choices: []Choice{
			{"a", "No: row-level data stays in the workbench; only aggregate results under the rules leave it."},
			{"b", "Yes, if the laptop's disk is encrypted."},
			{"c", "Yes, for a week at most."},
		},
		answer: "a",
		Hint:   "read “The data use rules” again: rows never leave the workbench.",
	},
	{
		ID:   "q5",
		Text: "A colleague without registered access asks to look at your workspace for a minute. What do you do?",
		Choices: []Choice{
			{"a", "Let them look over your shoulder: they will not copy anything."},
			{"b", "Share your password or token with them for that minute."},
			{"c", "Decline: only people with their own approved access may see the data, and your account is yours alone."},
		},
		answer: "c",
		Hint:   "read “The data use rules” again: accounts are personal and data is for approved researchers only.",
	},
}
