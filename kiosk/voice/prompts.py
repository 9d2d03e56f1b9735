"""What the kiosk says at each step, in both languages, and which step says what.

Texts are fixed: no name, number or anything else read from the applicant ever goes into one, so
a prompt can be synthesised, cached, recorded to a file and logged by its id. The only variable
is the idle countdown's seconds, a configured value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.flow.states import State


@dataclass(frozen=True)
class Prompt:
    id: str
    zh: str
    en: str

    def text(self, language: str) -> str | None:
        """The text in a kiosk language (``zh_CN``, ``en``); None for a language without one."""
        return {"zh_CN": self.zh, "en": self.en}.get(language)


_PROMPTS = (
    Prompt("attract", "欢迎使用个体工商户营业执照自助办理。请触摸屏幕开始。",
           "Welcome. Touch the screen to apply for an individual business licence."),
    Prompt("consent", "请阅读说明，同意使用您的身份证件和人脸信息后，点击继续。",
           "Please read the notice, agree to the use of your identity document and face data, then continue."),
    Prompt("card_wait", "请将身份证件放在读卡器上。", "Please place your identity document on the reader."),
    Prompt("card_access", "请输入证件上印有的卡号访问码。",
           "Please enter the card access number printed on your card."),
    Prompt("card_read", "正在读取证件，请不要移动证件。", "Reading your document. Please do not move it."),
    Prompt("face_check", "请正视摄像头，保持不动。", "Please look at the camera and keep still."),
    Prompt("form", "请填写申请信息。", "Please fill in your application."),
    Prompt("review", "请核对申请信息，确认无误后提交。", "Please check your application, then submit it."),
    Prompt("submitting", "正在提交申请，请稍候。", "Submitting your application. Please wait."),
    Prompt("approved", "您的申请已获批准。", "Your application has been approved."),
    Prompt("rejected", "申请需要修改后才能核准，请查看屏幕上的原因。",
           "Some details must change before approval. Please see the reasons on the screen."),
    Prompt("printing", "正在打印，请稍候。", "Printing. Please wait."),
    Prompt("done", "办理完成。请取走您的营业执照和证件。", "All done. Please take your licence and your document."),
    Prompt("referral", "您的申请需要工作人员审核。请取走回执，到人工窗口办理。",
           "Your application needs a check by staff. Please take your receipt to the service counter."),
    Prompt("rating", "请为本次服务评价。", "Please rate this service."),
    Prompt("retry", "这一步没有成功，请按屏幕提示重试。",
           "That step did not work. Please follow the screen to try again."),
    Prompt("staff", "已通知工作人员，请稍候。", "Staff have been called. Please wait."),
    Prompt("out_of_service", "本机暂停服务，请到人工窗口办理。",
           "This kiosk is out of service. Please go to the service counter."),
    Prompt("idle_countdown", "如需更多时间，请触摸屏幕。屏幕将在{seconds}秒后清空。",
           "Need more time? Touch the screen. The screen will be cleared in {seconds} seconds."),
)
CATALOGUE: dict[str, Prompt] = {p.id: p for p in _PROMPTS}

# Every state, decided: a prompt id, a callable choosing one from the view, or None (silent:
# the technicians' screens). The catalogue test derives the states from the enum, so a new state
# without a decision here fails it.
_DECISION = {"approved": "approved", "manual_review": "referral", "rejected": "rejected"}
STATE_PROMPTS: dict[State, str | None] = {
    State.ATTRACT: "attract",
    State.CONSENT: "consent",
    State.CARD_WAIT: "card_wait",
    State.CARD_ACCESS: "card_access",
    State.CARD_READ: "card_read",
    State.FACE_CHECK: "face_check",
    State.FORM: "form",
    State.REVIEW: "review",
    State.SUBMIT: "submitting",
    State.DECISION: "approved",  # refined from the decision's outcome in prompt_for
    State.PRINTING: "printing",
    State.DONE: "done",  # "referral" after a referral receipt
    State.RATING: "rating",
    State.RETRY: "retry",
    State.STAFF: "staff",
    State.OUT_OF_SERVICE: "out_of_service",
    State.DIAG_PIN: None,
    State.DIAG: None,
}
COUNTDOWN = "idle_countdown"


@dataclass(frozen=True)
class Utterance:
    """One prompt in one language; ``seconds`` only for the idle countdown."""

    prompt: str
    language: str
    seconds: int | None = None

    @property
    def key(self) -> str:
        """Its name in logs, caches and the recorded-prompts directory (``key + ".wav"``)."""
        what = self.prompt if self.seconds is None else f"{self.prompt}-{self.seconds}"
        return f"{what}.{self.language}"

    @property
    def text(self) -> str | None:
        text = CATALOGUE[self.prompt].text(self.language)
        return text.format(seconds=self.seconds) if text is not None and self.seconds is not None else text


def prompt_for(state: State, view: Any, session: Any = None) -> str | None:
    """The prompt id for a screen; the decision's outcome picks between approval, referral and
    refusal (DECISION reads it from the session, DONE from ``view.error``, as the screens do)."""
    prompt = STATE_PROMPTS[state]
    if state is State.DECISION:
        decision = getattr(session, "decision", None)
        return _DECISION.get(getattr(decision, "outcome", ""), None)
    if state is State.DONE and getattr(view, "error", "") == "manual_review":
        return "referral"
    return prompt
