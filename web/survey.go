package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openworkbench/workbench/public"
)

// surveys lists the surveys of the Survey Explorer.
func (s *Site) surveys(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "surveys", "Survey Explorer", "surveys", s.deps.Release.Surveys())
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, errNotFound
	}
	return id, nil
}

// survey is one survey: its questions with their answers.
func (s *Site) survey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := s.deps.Release.Survey(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "survey", sv.Name, "surveys", sv)
}

type questionData struct {
	public.Question
	Survey  public.SurveySummary
	Answers figure
	Each    []answerFigures
}

type answerFigures struct {
	Answer   public.Answer
	Sex, Age figure
}

// question is a survey question: its answers, each broken down by sex at
// birth and age.
func (s *Site) question(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rel := s.deps.Release
	q, err := rel.Question(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := rel.Survey(q.SurveyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := rel.Manifest()
	d := questionData{Question: q, Survey: sv.SurveySummary, Answers: figure{ID: "answers", Title: "Participants by answer"}}
	for i, a := range q.Answers {
		d.Answers.Rows = append(d.Answers.Rows, row{a.Text, a.Count})
		d.Each = append(d.Each, answerFigures{Answer: a,
			Sex: breakdownFigure(fmt.Sprintf("a%d-sex", i), a.Text+": by sex at birth", a.SexAtBirth, m),
			Age: breakdownFigure(fmt.Sprintf("a%d-age", i), a.Text+": by age", a.Age, m)})
	}
	if len(q.Answers) == 0 {
		d.Answers.Note = "This question has no released answers to choose from."
	}
	s.render(w, r, http.StatusOK, "question", q.Text, "surveys", d)
}
