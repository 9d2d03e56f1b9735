"""Stable codes from the flow and the devices, mapped to the English msgids screens translate."""

from __future__ import annotations

from kiosk.i18n import N_

ERRORS = {
    "card_removed": N_("The card was removed while it was being read. Place it on the reader again "
                       "and leave it there until the kiosk says so."),
    "card_access_denied": N_("The card did not accept this number. Check the 6-digit number printed on the "
                             "photo side of your card and try again."),
    "card_blocked": N_("The chip is blocked after too many wrong access numbers. Please ask staff."),
    "card_unsupported": N_("This card has no chip this kiosk can read. Please use an electronic ID card "
                           "or passport, or ask staff."),
    "card_read_error": N_("The chip gave an answer the kiosk could not understand. Place the card on "
                          "the reader again."),
    "document_already_issued": N_("Your licence (or receipt) was already issued and is waiting at the counter. "
                                  "Please ask staff."),
    "card_not_authentic": N_("The chip's data could not be verified as issued by a trusted authority. "
                             "Staff will check your document."),
    "portrait_unreadable": N_("The photo stored on the chip cannot be read, so the kiosk cannot compare your "
                              "face with it."),
    "portrait_no_face": N_("The kiosk found no face in the photo stored on the chip, so it cannot compare "
                           "your face with it."),
    "mismatch": N_("Your face did not match the photo on the chip."),
    "liveness_failed": N_("The kiosk could not confirm that a live person is in front of the camera."),
    "no_face": N_("No face was seen. Stand in front of the screen and look at the camera."),
    "multiple_faces": N_("More than one face was seen. Only the applicant should be in view."),
    "face_swapped": N_("A different person came into view during the check."),
    "face_timeout": N_("The face check took too long."),
    "timeout": N_("The face check took too long."),
    "can_format": N_("Please type all 6 digits."),
    "mrz_format": N_("Enter the document number and both dates as 6 digits (YYMMDD)."),
    "requested": N_("A member of staff has been called and will be with you shortly."),
    "manual": N_("Taken out of service by a technician"),
    "device_error": N_("Device fault"),
    "startup_failed": N_("The kiosk could not start its devices"),
    "internal_error": N_("Internal software error"),
    "not_started": N_("Not started yet"),
    "not_checked_yet": N_("Not checked yet"),
    "disk_low": N_("Disk space low"),
    "reader_unavailable": N_("Card reader unavailable"),
    "reader_timeout": N_("Card reader did not answer"),
    "camera_lost": N_("Camera unavailable"),
    "face_models_unavailable": N_("Face check unavailable"),
    "face_error": N_("Face check failed"),
    "printer_error": N_("Printer fault"),
    "printer_paper_out": N_("Printer out of paper"),
    "printer_cover_open": N_("Printer cover open"),
    "printer_offline": N_("Printer not answering"),
    "printer_cutter_error": N_("Printer cutter fault"),
    "printer_timeout": N_("Printer did not finish"),
    "printer_status_garbled": N_("Printer status unreadable"),
    "printer_job_error": N_("Print job failed"),
    "printer_layout_error": N_("The licence layout could not be drawn"),
    "printer_media_jam": N_("Paper jam in the licence printer"),
    "printer_toner_empty": N_("Licence printer out of toner"),
    "printer_queue_stopped": N_("Licence print queue stopped"),
    "printer_job_aborted": N_("The print system aborted the licence job"),
    "printer_job_timeout": N_("The licence printer did not finish in time"),
    "service_unreachable": N_("Registration service unreachable"),
    "service_protocol_error": N_("Registration service gave an invalid answer"),
    "service_request_rejected": N_("Registration service refused the kiosk's request"),
    "service_timeout": N_("Registration service did not answer"),
    "service_rate_limited": N_("Registration service asked the kiosk to wait a moment"),
    "printer_jobs_held": N_("Documents held for staff: see the printer page"),
    "tls_certificate_expired": N_("Registration service certificate expired"),
    "clock_offset": N_("The kiosk's clock is wrong"),
    "resident_sam_fault": N_("ID card reader security module fault"),
    "resident_link_error": N_("ID card reader connection garbled"),
    "resident_no_reply": N_("ID card reader did not answer"),
    "resident_decoder_missing": N_("ID card photo decoder missing"),
    "resident_link_reset": N_("The card reader restarted while reading. Place the card on the reader again."),
    "resident_select_failed": N_("The card could not be selected. Place it flat on the reader again."),
    "resident_read_failed": N_("The card could not be read. Place it on the reader again and leave it there until "
                               "the kiosk says so."),
    "resident_unknown_card_type": N_("This card is not an identity document the reader knows. Please use your "
                                     "resident ID card or ask staff."),
    "resident_status_error": N_("The card reader reported an error. Place the card on the reader again."),
    "resident_data_invalid": N_("The data read from the card is inconsistent. Please ask staff."),
    "resident_card_expired": N_("This document has expired and cannot be used. Take it off the reader. If you have "
                                "another valid ID document, place it instead; otherwise please ask staff."),
    "document_expired": N_("This document has expired and cannot be used. Take it off the reader. If you have "
                           "another valid ID document, place it instead; otherwise please ask staff."),
    "reader_failed": N_("The card reader stopped working while reading your card. Staff will help you."),
    "document_not_accepted": N_("This document cannot be used to register a business at this kiosk. Staff will "
                                "help you."),
    "name_needs_staff": N_("The name on your card has a character this kiosk cannot show or send correctly. "
                           "Staff will help you."),
    "resident_photo_unavailable": N_("The photo on the card cannot be used here. Staff will check your document."),
    "trust_import_unreadable": N_("The file to import is not a certificate, a CRL or a CSCA master list."),
    "master_list_unverified": N_("The master list's signature does not verify under a configured master-list "
                                 "signer anchor; nothing was imported."),
    "trust_import_rejected": N_("The certificate or CRL cannot be used by the trust store and was not imported."),
    "voice_no_sound_device": N_("No sound device: voice prompts are off, the screens work as usual."),
    "voice_tts_failed": N_("The speech synthesiser (espeak-ng) is missing or failed: prompts without a "
                           "recorded file stay silent."),
    "textentry_pinyin_unavailable": N_("Pinyin typing is not available on this kiosk. Please write by hand."),
    "textentry_handwriting_unavailable": N_("Handwriting is not available on this kiosk. Please type pinyin."),
    "textentry_unavailable": N_("Chinese text entry is not available on this kiosk. Please ask staff."),
    "textentry_engine_failed": N_("The Chinese input stopped working. Please ask staff."),
    "textentry_error": N_("The Chinese input is not working. Please ask staff."),
    "name_query_invalid": N_("This name cannot be checked here. It is checked when you submit."),
}

PIN_ERRORS = {  # the technicians' PIN screen (flow: PIN_REFUSED and a check that failed)
    "pin_wrong": N_("Wrong PIN."),
    "pin_locked": N_("Too many wrong PINs: diagnostics are locked for a while."),
    "pin_no_pin": N_("No PIN is configured. Set one over SSH with: main.py diag set-pin"),
    "pin_check_failed": N_("The PIN could not be checked. Try again; if it keeps failing, read the kiosk log "
                           "over SSH."),
}

GUIDANCE = {
    "face_camera": N_("Look at the camera"),
    "move_closer": N_("Move a little closer"),
    "move_back": N_("Move back a little"),
    "more_light": N_("More light is needed: step closer to the screen"),
    "hold_still": N_("Hold still"),
    "blink": N_("Blink your eyes"),
    "turn_left": N_("Slowly turn your head to the left"),
    "turn_right": N_("Slowly turn your head to the right"),
    "center": N_("Look straight at the camera again"),
    "checking": N_("Checking..."),
}

FORM_FIELDS = {
    "composition": N_("Who runs the business"),
    "trade_name": N_("Trade name"),
    "industry_code": N_("Industry"),
    "industry_term": N_("Industry term in the name"),
    "organisation_form": N_("Organisation form"),
    "division_code": N_("District"),
    "street": N_("Street"),
    "house_number": N_("House number"),
    "scope_codes": N_("Business scope"),
    "phone": N_("Mobile phone (optional)"),
}

COMPOSITION = {"individual": N_("Individual operation"), "family": N_("Family operation")}

REASONS = {  # the registration API's decision reason codes (docs/registration-api.md)
    'id_number_invalid': N_('The ID number is invalid (check digit or birth date)'),
    'id_birth_date_mismatch': N_('The birth date does not match the ID number'),
    'operator_name_invalid': N_("The operator's name may contain only Chinese characters and '·'"),
    'operator_underage': N_('The operator must be at least 16 years old'),
    'operator_minor_review': N_('Operators aged 16-17 need a manual review'),
    'operator_foreign_review': N_('A holder of a foreign permanent resident ID card is registered after a manual '
                                  'review'),
    'name_too_short': N_('The trade name needs at least two characters'),
    'name_too_long': N_('The trade name may have at most ten characters'),
    'name_forbidden_word': N_('The trade name may not contain 中国, 中华, 全国, 国家 or 国际'),
    'name_invalid_characters': N_('The trade name may use only Chinese characters: no pinyin, Latin letters, '
                                  'digits or punctuation'),
    'organisation_form_not_allowed': N_('This organisation form is not allowed for an individual business '
                                        '(e.g. 公司, 企业, 合作社)'),
    'name_taken': N_('This trade name is already registered in the same industry at the same authority'),
    'industry_unknown': N_('Unknown industry'),
    'division_unknown': N_('Unknown administrative division'),
    'scope_empty': N_('Choose at least one business-scope item'),
    'scope_unknown_item': N_('A business-scope item is not in the catalogue'),
    'scope_prior_permit': N_('A business-scope item needs a permit before registration: manual review'),
    'operator_recent_application': N_('The operator applied at the same authority recently: manual review, so '
                                      'that nothing is registered twice'),
    'scope_post_permit': N_('Some business-scope items need a permit after registration before trading starts'),
    'premises_not_in_list': N_('The premises are not on the address list of this division'),
    'premises_house_number_invalid': N_('The house number is malformed (e.g. 1001号)'),
    # the name rules (registry_service/naming): decision reasons, and the name check's warnings
    'name_latin_letters': N_('The trade name may not contain pinyin, Latin or other foreign letters'),
    'name_digits': N_('The trade name may not contain digits: write numbers in Chinese characters'),
    'name_punctuation': N_('The trade name may not contain punctuation, spaces or other symbols'),
    'name_traditional_character': N_('Traditional characters are not allowed: use the simplified form'),
    'name_variant_character': N_('Variant characters are not allowed: use the standard form'),
    'name_nonstandard_character': N_('A character is not in the Table of General Standard Chinese Characters'),
    'name_official_body': N_('The name may not use the name of a party, state or military body'),
    'name_prohibited_content': N_('The name may not refer to obscenity, gambling, superstition, terror or '
                                  'violence'),
    'name_foreign_state': N_('The name may contain the name of a foreign state or international organisation: '
                             'manual review'),
    'name_misleading_word': N_('The name contains words that may mislead the public (e.g. 特供, 驰名): manual '
                               'review'),
    'name_place_name': N_('A county-level or higher place name may not be the trade name unless it has another '
                          'meaning: manual review'),
    'name_homophone': N_('Sounds the same as or close to a trade name already registered in this industry here: '
                         'it may be confused'),
    'name_similar': N_('Differs by one character from a trade name already registered in this industry here: it '
                       'may be confused'),
    'industry_term_missing': N_('The name needs an industry term describing the business'),
    'industry_term_too_long': N_('The industry term may have at most six characters'),
    'industry_term_unrelated': N_('The industry term does not match the chosen industry class: please check'),
    'organisation_form_missing': N_('The name must end with an organisation form (e.g. 店, 馆, 部)'),
}


# The service rating (好差评): the codes of licence_wire.rating, worded as the national scale and
# the on-site indicators word them.
RATING_LEVELS = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "basically_satisfied": N_("Basically satisfied"),
    "dissatisfied": N_("Dissatisfied"),
    "very_dissatisfied": N_("Very dissatisfied"),
}
RATING_INDICATORS = {
    "efficiency": N_("Service efficiency"),
    "quality": N_("Service quality"),
    "attitude": N_("Service attitude"),
    "overall": N_("Overall satisfaction"),
}
RATING_REASONS = {
    "too_slow": N_("It took too long"),
    "repeated_steps": N_("I had to repeat steps or checks"),
    "unclear_guidance": N_("The instructions were not clear"),
    "not_completed": N_("My matter was not completed"),
    "device_problem": N_("The machine was hard to use or broke down"),
    "staff_help": N_("Staff help came late or was unfriendly"),
    "other": N_("Another reason"),
}
RATING_NOT_GIVEN = {  # kiosk.flow.rating.NOT_GIVEN, for the technicians' counts
    "skipped": N_("skipped"),
    "timeout": N_("no answer"),
    "absent": N_("applicant had left"),
    "fault": N_("kiosk fault"),
    "technician": N_("technician"),
}


def error_text(tr: object, code: str) -> str:
    msgid = ERRORS.get(code.split(":")[0])
    return tr(msgid) if msgid else tr("Something went wrong ({code}).", code=code)  # type: ignore[operator]


def reason_text(tr: object, code: str) -> str:
    msgid = REASONS.get(code)
    return tr(msgid) if msgid else tr("Rule not met: {code}", code=code)  # type: ignore[operator]
