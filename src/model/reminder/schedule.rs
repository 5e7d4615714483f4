//! The reminder schedule a business edits: steps at offsets from the due date
//! (negative before it), each with a tone and a subject and body per language.
//!
//! Texts may use the placeholders of [`super::template`]. Bodies end before
//! the closing formula: the mail adds the company's signature.
use serde::{Deserialize, Serialize};

use super::template::unknown_placeholders;
use crate::model::lang::Lang;
use crate::model::validate::{FieldErrors, FieldProblem};

pub const MAX_STEPS: usize = 10;
/// The earliest step, in days before the due date.
pub const MIN_OFFSET: i32 = -60;
/// The latest step, in days after the due date.
pub const MAX_OFFSET: i32 = 365;
/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY: usize = 5000;

/// How insistent a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    Courteous,
    Reminder,
    Firm,
    /// Mise en demeure: the last step, with the formal notice letter attached.
    FormalNotice,
}

impl Tone {
    pub const ALL: [Tone; 4] = [
        Tone::Courteous,
        Tone::Reminder,
        Tone::Firm,
        Tone::FormalNotice,
    ];

    /// The stored and submitted code.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Courteous => "courteous",
            Tone::Reminder => "reminder",
            Tone::Firm => "firm",
            Tone::FormalNotice => "formal_notice",
        }
    }

    /// The tone of a code from [`Tone::as_str`]; anything else is `None`.
    pub fn parse(code: &str) -> Option<Tone> {
        Tone::ALL.into_iter().find(|t| t.as_str() == code)
    }

    /// Firm steps and the formal notice show the late-payment penalties.
    pub fn is_firm(self) -> bool {
        matches!(self, Tone::Firm | Tone::FormalNotice)
    }
}

/// One step as typed in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StepInput {
    pub offset_days: String,
    pub tone: String,
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: String,
    pub body_en: String,
}

/// One checked step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Days from the due date: -3 is three days before, 1 the day after.
    pub offset_days: i32,
    pub tone: Tone,
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: String,
    pub body_en: String,
}

impl Step {
    /// The step as form values, to edit it again.
    pub fn input(&self) -> StepInput {
        StepInput {
            offset_days: self.offset_days.to_string(),
            tone: self.tone.as_str().to_string(),
            subject_fr: self.subject_fr.clone(),
            body_fr: self.body_fr.clone(),
            subject_en: self.subject_en.clone(),
            body_en: self.body_en.clone(),
        }
    }

    pub fn subject(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.subject_fr,
            Lang::En => &self.subject_en,
        }
    }

    pub fn body(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.body_fr,
            Lang::En => &self.body_en,
        }
    }
}

/// A subject on one line: control characters (line breaks, tabs) become spaces.
fn one_line(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_string()
}

/// A body with browser line breaks (`\r\n`) made plain (`\n`), trimmed.
fn plain_lines(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

fn check_offset(s: &str) -> Result<i32, FieldProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldProblem::Required);
    }
    let n: i64 = s.parse().map_err(|_| FieldProblem::NotANumber)?;
    i32::try_from(n)
        .ok()
        .filter(|n| (MIN_OFFSET..=MAX_OFFSET).contains(n))
        .ok_or(FieldProblem::OutOfRange)
}

fn check_text(text: &str, max: usize) -> Result<(), FieldProblem> {
    if text.is_empty() {
        Err(FieldProblem::Required)
    } else if text.chars().count() > max {
        Err(FieldProblem::TooLong)
    } else if !unknown_placeholders(text).is_empty() {
        Err(FieldProblem::UnknownPlaceholder)
    } else {
        Ok(())
    }
}

/// Checks a schedule as typed. Fields are named `step{i}_offset_days`,
/// `step{i}_tone`, `step{i}_subject_fr`, ... with `i` from 0; too many steps
/// is refused on `steps`. Offsets must increase from step to step, and a
/// formal notice can only be the last step. An empty schedule turns
/// reminders off.
pub fn validate_schedule(inputs: &[StepInput]) -> Result<Vec<Step>, FieldErrors> {
    let mut errors = FieldErrors::default();
    if inputs.len() > MAX_STEPS {
        errors.add("steps", FieldProblem::TooLarge);
        return Err(errors);
    }
    let mut steps = Vec::with_capacity(inputs.len());
    let mut seen: Vec<i32> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let parsed = check_offset(&input.offset_days);
        let offset = parsed.and_then(|o| {
            if seen.contains(&o) {
                Err(FieldProblem::DuplicateOffset)
            } else if seen.last().is_some_and(|&previous| o <= previous) {
                Err(FieldProblem::OffsetOrder)
            } else {
                Ok(o)
            }
        });
        if let Ok(o) = parsed {
            seen.push(o);
        }
        let tone = match input.tone.trim() {
            "" => Err(FieldProblem::Required),
            code => Tone::parse(code).ok_or(FieldProblem::OutOfRange),
        }
        .and_then(|t| match t {
            Tone::FormalNotice if i + 1 < inputs.len() => Err(FieldProblem::FormalNoticeLast),
            t => Ok(t),
        });
        let subject_fr = one_line(&input.subject_fr);
        let body_fr = plain_lines(&input.body_fr);
        let subject_en = one_line(&input.subject_en);
        let body_en = plain_lines(&input.body_en);
        let problems = [
            ("offset_days", offset.err()),
            ("tone", tone.err()),
            ("subject_fr", check_text(&subject_fr, MAX_SUBJECT).err()),
            ("body_fr", check_text(&body_fr, MAX_BODY).err()),
            ("subject_en", check_text(&subject_en, MAX_SUBJECT).err()),
            ("body_en", check_text(&body_en, MAX_BODY).err()),
        ];
        for (name, problem) in problems {
            if let Some(p) = problem {
                errors.add(&format!("step{i}_{name}"), p);
            }
        }
        if let (Ok(offset_days), Ok(tone)) = (offset, tone) {
            steps.push(Step {
                offset_days,
                tone,
                subject_fr,
                body_fr,
                subject_en,
                body_en,
            });
        }
    }
    if errors.is_empty() {
        Ok(steps)
    } else {
        Err(errors)
    }
}

fn step(offset_days: i32, tone: Tone, fr: [&str; 2], en: [&str; 2]) -> Step {
    let [subject_fr, body_fr] = fr.map(str::to_string);
    let [subject_en, body_en] = en.map(str::to_string);
    Step {
        offset_days,
        tone,
        subject_fr,
        body_fr,
        subject_en,
        body_en,
    }
}

/// The schedule a new business starts with: a courteous note three days
/// before the due date, reminders the day after and a week later, a firm
/// letter quoting the penalties at 15 days, and the formal notice at 30.
pub fn default_schedule() -> Vec<Step> {
    vec![
        step(
            -3,
            Tone::Courteous,
            [
                "Rappel : facture {invoice_number} à échéance le {due_date}",
                "Bonjour {customer},\n\n\
                 Nous nous permettons de vous rappeler que la facture {invoice_number}, \
                 d'un montant de {amount_due}, arrive à échéance le {due_date}.\n\n\
                 Vous pouvez la régler en ligne en quelques instants : {pay_link}\n\n\
                 Si votre règlement est déjà en cours, nous vous en remercions et vous \
                 prions de ne pas tenir compte de ce message.",
            ],
            [
                "Reminder: invoice {invoice_number} is due on {due_date}",
                "Hello {customer},\n\n\
                 This is a friendly reminder that invoice {invoice_number}, for \
                 {amount_due}, is due on {due_date}.\n\n\
                 You can pay it online in a few moments: {pay_link}\n\n\
                 If your payment is already on its way, thank you, and please \
                 disregard this message.",
            ],
        ),
        step(
            1,
            Tone::Reminder,
            [
                "Facture {invoice_number} : échéance dépassée",
                "Bonjour {customer},\n\n\
                 Sauf erreur de notre part, la facture {invoice_number}, d'un montant \
                 de {amount_due}, échue le {due_date}, reste impayée à ce jour.\n\n\
                 Il s'agit sans doute d'un simple oubli. Vous pouvez la régler en ligne \
                 dès maintenant : {pay_link}\n\n\
                 Si vous avez effectué le paiement entre-temps, nous vous prions de ne \
                 pas tenir compte de ce message.",
            ],
            [
                "Invoice {invoice_number} is now overdue",
                "Hello {customer},\n\n\
                 According to our records, invoice {invoice_number}, for {amount_due}, \
                 due on {due_date}, has not been paid yet.\n\n\
                 This is probably an oversight. You can pay it online now: {pay_link}\n\n\
                 If you have paid it in the meantime, please disregard this message.",
            ],
        ),
        step(
            8,
            Tone::Reminder,
            [
                "Deuxième relance : facture {invoice_number}",
                "Bonjour {customer},\n\n\
                 Malgré notre précédent rappel, la facture {invoice_number}, d'un \
                 montant de {amount_due}, échue le {due_date}, demeure impayée à ce \
                 jour, soit {days_late} jours de retard.\n\n\
                 Nous vous remercions de bien vouloir procéder à son règlement dans les \
                 meilleurs délais : {pay_link}\n\n\
                 Si une difficulté vous empêche de la régler, n'hésitez pas à nous \
                 contacter afin que nous trouvions ensemble une solution.",
            ],
            [
                "Second reminder: invoice {invoice_number}",
                "Hello {customer},\n\n\
                 Despite our previous reminder, invoice {invoice_number}, for \
                 {amount_due}, due on {due_date}, is still unpaid and is now \
                 {days_late} days overdue.\n\n\
                 Please arrange payment at your earliest convenience: {pay_link}\n\n\
                 If something prevents you from paying, please get in touch so that \
                 we can find a solution together.",
            ],
        ),
        step(
            15,
            Tone::Firm,
            [
                "Facture {invoice_number} impayée : pénalités de retard",
                "Madame, Monsieur,\n\n\
                 Malgré nos relances, la facture {invoice_number}, d'un montant de \
                 {amount_due}, échue le {due_date}, reste impayée, soit {days_late} \
                 jours de retard.\n\n\
                 Nous vous rappelons que, conformément à nos conditions de paiement, \
                 tout retard de paiement rend exigibles des pénalités de retard, qui \
                 s'élèvent à ce jour à {penalties}.\n\n\
                 Nous vous demandons de régler cette facture sans délai : {pay_link}",
            ],
            [
                "Unpaid invoice {invoice_number}: late payment penalties",
                "Dear Sir or Madam,\n\n\
                 Despite our reminders, invoice {invoice_number}, for {amount_due}, \
                 due on {due_date}, remains unpaid and is now {days_late} days \
                 overdue.\n\n\
                 Under our payment terms, late payment makes penalties payable; they \
                 currently amount to {penalties}.\n\n\
                 We ask you to pay this invoice without further delay: {pay_link}",
            ],
        ),
        step(
            30,
            Tone::FormalNotice,
            [
                "Mise en demeure de payer : facture {invoice_number}",
                "Madame, Monsieur,\n\n\
                 Malgré nos relances successives, la facture {invoice_number}, d'un \
                 montant de {amount_due}, échue le {due_date}, demeure impayée à ce \
                 jour, soit {days_late} jours de retard.\n\n\
                 Vous trouverez ci-joint, au format PDF, notre mise en demeure de \
                 régler cette somme, majorée des pénalités de retard ({penalties}), \
                 avant la date limite qui y est indiquée.\n\n\
                 Vous pouvez procéder au règlement en ligne : {pay_link}\n\n\
                 À défaut de paiement dans ce délai, nous nous verrons contraints \
                 d'engager une procédure de recouvrement, sans autre avis.",
            ],
            [
                "Formal notice to pay: invoice {invoice_number}",
                "Dear Sir or Madam,\n\n\
                 Despite our repeated reminders, invoice {invoice_number}, for \
                 {amount_due}, due on {due_date}, remains unpaid and is now \
                 {days_late} days overdue.\n\n\
                 Please find attached, as a PDF, our formal notice to pay this sum, \
                 together with the late payment penalties ({penalties}), by the \
                 deadline it states.\n\n\
                 You can pay online: {pay_link}\n\n\
                 Failing payment by that deadline, we will have to start recovery \
                 proceedings without further notice.",
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(offset: &str, tone: &str) -> StepInput {
        StepInput {
            offset_days: offset.into(),
            tone: tone.into(),
            subject_fr: "Facture {invoice_number}".into(),
            body_fr: "Bonjour {customer} : {pay_link}".into(),
            subject_en: "Invoice {invoice_number}".into(),
            body_en: "Hello {customer}: {pay_link}".into(),
        }
    }

    fn problems(inputs: &[StepInput]) -> FieldErrors {
        validate_schedule(inputs).expect_err("refused")
    }

    #[test]
    fn the_default_schedule_is_valid_and_round_trips() {
        let schedule = default_schedule();
        let inputs: Vec<StepInput> = schedule.iter().map(Step::input).collect();
        assert_eq!(validate_schedule(&inputs), Ok(schedule));
    }

    #[test]
    fn every_default_body_has_the_pay_link_and_firm_ones_the_penalties() {
        for step in default_schedule() {
            for lang in [Lang::Fr, Lang::En] {
                assert!(
                    step.body(lang).contains("{pay_link}"),
                    "{}",
                    step.offset_days
                );
                if step.tone.is_firm() {
                    assert!(
                        step.body(lang).contains("{penalties}"),
                        "{}",
                        step.offset_days
                    );
                }
            }
        }
    }

    #[test]
    fn an_empty_schedule_turns_reminders_off() {
        assert_eq!(validate_schedule(&[]), Ok(Vec::new()));
    }

    #[test]
    fn typed_values_round_trip() {
        let typed = [input(" -3 ", "courteous"), input("+8", " firm ")];
        let steps = validate_schedule(&typed).expect("valid");
        assert_eq!(steps[0].offset_days, -3);
        assert_eq!(steps[1].offset_days, 8);
        assert_eq!(steps[1].tone, Tone::Firm);
        let again: Vec<StepInput> = steps.iter().map(Step::input).collect();
        assert_eq!(again[0].offset_days, "-3");
        assert_eq!(again[1].tone, "firm");
        assert_eq!(validate_schedule(&again), Ok(steps));
    }

    #[test]
    fn subjects_are_one_line_and_bodies_lose_carriage_returns() {
        let mut typed = input("1", "reminder");
        typed.subject_fr = " Facture\r\n{invoice_number}\t".into();
        typed.body_en = "Hello,\r\n\r\n{pay_link}\r\n".into();
        let steps = validate_schedule(&[typed]).expect("valid");
        assert_eq!(steps[0].subject_fr, "Facture  {invoice_number}");
        assert_eq!(steps[0].body_en, "Hello,\n\n{pay_link}");
    }

    #[test]
    fn texts_are_chosen_by_language() {
        let steps = validate_schedule(&[input("1", "reminder")]).expect("valid");
        assert_eq!(steps[0].subject(Lang::Fr), "Facture {invoice_number}");
        assert_eq!(steps[0].subject(Lang::En), "Invoice {invoice_number}");
        assert_eq!(steps[0].body(Lang::En), "Hello {customer}: {pay_link}");
    }

    #[test]
    fn offsets_must_be_whole_numbers_in_range() {
        let e = problems(&[
            input("", "reminder"),
            input("huit", "reminder"),
            input("1.5", "reminder"),
            input("-61", "reminder"),
            input("366", "reminder"),
            input("99999999999", "reminder"),
        ]);
        assert_eq!(e.get("step0_offset_days"), Some(FieldProblem::Required));
        assert_eq!(e.get("step1_offset_days"), Some(FieldProblem::NotANumber));
        assert_eq!(e.get("step2_offset_days"), Some(FieldProblem::NotANumber));
        assert_eq!(e.get("step3_offset_days"), Some(FieldProblem::OutOfRange));
        assert_eq!(e.get("step4_offset_days"), Some(FieldProblem::OutOfRange));
        assert_eq!(e.get("step5_offset_days"), Some(FieldProblem::OutOfRange));
        let bounds = [input("-60", "courteous"), input("365", "firm")];
        assert!(validate_schedule(&bounds).is_ok());
    }

    #[test]
    fn a_step_before_the_previous_one_is_out_of_order() {
        let e = problems(&[input("8", "reminder"), input("1", "reminder")]);
        assert_eq!(
            e.0,
            [("step1_offset_days".to_string(), FieldProblem::OffsetOrder)]
        );
    }

    #[test]
    fn a_repeated_offset_is_a_duplicate() {
        let e = problems(&[input("1", "reminder"), input("1", "reminder")]);
        assert_eq!(
            e.get("step1_offset_days"),
            Some(FieldProblem::DuplicateOffset)
        );
        let e = problems(&[
            input("1", "reminder"),
            input("8", "reminder"),
            input("1", "firm"),
        ]);
        assert_eq!(
            e.get("step2_offset_days"),
            Some(FieldProblem::DuplicateOffset)
        );
    }

    #[test]
    fn the_order_is_checked_against_the_step_just_before() {
        let e = problems(&[
            input("1", "reminder"),
            input("8", "reminder"),
            input("3", "reminder"),
            input("5", "firm"),
        ]);
        assert_eq!(
            e.0,
            [("step2_offset_days".to_string(), FieldProblem::OffsetOrder)]
        );
    }

    #[test]
    fn a_tone_is_required_and_must_be_known() {
        let e = problems(&[input("1", " "), input("8", "angry")]);
        assert_eq!(e.get("step0_tone"), Some(FieldProblem::Required));
        assert_eq!(e.get("step1_tone"), Some(FieldProblem::OutOfRange));
    }

    #[test]
    fn the_formal_notice_must_be_the_last_step() {
        let e = problems(&[input("30", "formal_notice"), input("40", "firm")]);
        assert_eq!(e.get("step0_tone"), Some(FieldProblem::FormalNoticeLast));
        let e = problems(&[input("30", "formal_notice"), input("40", "formal_notice")]);
        assert_eq!(
            e.0,
            [("step0_tone".to_string(), FieldProblem::FormalNoticeLast)]
        );
    }

    #[test]
    fn subjects_and_bodies_are_required() {
        let mut typed = input("1", "reminder");
        typed.subject_fr = "  ".into();
        typed.body_fr = String::new();
        typed.subject_en = "\r\n".into();
        typed.body_en = "\n".into();
        let e = problems(&[typed]);
        for field in ["subject_fr", "body_fr", "subject_en", "body_en"] {
            assert_eq!(
                e.get(&format!("step0_{field}")),
                Some(FieldProblem::Required),
                "{field}"
            );
        }
    }

    #[test]
    fn subjects_and_bodies_have_length_limits_in_characters() {
        let mut typed = input("1", "reminder");
        typed.subject_fr = "é".repeat(MAX_SUBJECT);
        typed.body_fr = "é".repeat(MAX_BODY);
        assert!(validate_schedule(&[typed.clone()]).is_ok());
        typed.subject_en = "a".repeat(MAX_SUBJECT + 1);
        typed.body_en = "a".repeat(MAX_BODY + 1);
        let e = problems(&[typed]);
        assert_eq!(e.get("step0_subject_en"), Some(FieldProblem::TooLong));
        assert_eq!(e.get("step0_body_en"), Some(FieldProblem::TooLong));
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn unknown_placeholders_are_refused() {
        let mut typed = input("1", "reminder");
        typed.subject_fr = "Facture {numero}".into();
        typed.body_en = "Pay here: {link}".into();
        let e = problems(&[typed]);
        assert_eq!(
            e.get("step0_subject_fr"),
            Some(FieldProblem::UnknownPlaceholder)
        );
        assert_eq!(
            e.get("step0_body_en"),
            Some(FieldProblem::UnknownPlaceholder)
        );
    }

    #[test]
    fn at_most_ten_steps() {
        let ten: Vec<StepInput> = (1..=10)
            .map(|o| input(&o.to_string(), "reminder"))
            .collect();
        assert!(validate_schedule(&ten).is_ok());
        let eleven: Vec<StepInput> = (1..=11)
            .map(|o| input(&o.to_string(), "reminder"))
            .collect();
        assert_eq!(
            problems(&eleven).0,
            [("steps".to_string(), FieldProblem::TooLarge)]
        );
    }

    #[test]
    fn problems_are_listed_in_form_order() {
        let mut typed = input("x", "");
        typed.body_en = String::new();
        let e = problems(&[input("1", "reminder"), typed]);
        let fields: Vec<&str> = e.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["step1_offset_days", "step1_tone", "step1_body_en"]);
    }

    #[test]
    fn tones_round_trip_through_their_codes() {
        for tone in Tone::ALL {
            assert_eq!(Tone::parse(tone.as_str()), Some(tone));
        }
        assert_eq!(Tone::parse("Firm"), None);
        assert!(Tone::FormalNotice.is_firm() && Tone::Firm.is_firm());
        assert!(!Tone::Courteous.is_firm() && !Tone::Reminder.is_firm());
    }
}
