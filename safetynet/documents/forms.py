"""The public verification form: the code as printed (groups, any case, hyphens or spaces), and
each way it can be wrong said as such: a symbol the codes never use, a wrong length, a check
symbol that does not fit (a typo), before the register is asked at all."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.documents.codes import LENGTH, CodeError, normalise


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("核验码"),
        max_length=40,
        help_text=_("文书页脚印有 16 位核验码（如 ABCD-EFGH-JKMN-PQRS），不区分大小写，可不输入连字符。"),
        error_messages={"required": _("请输入文书页脚的核验码"), "max_length": _("核验码为 16 位，输入过长")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        try:
            return normalise(self.cleaned_data["code"])
        except CodeError as exc:
            if exc.reason == "symbol":
                used = "0、1、I、O" if exc.symbol in "01IO" else ""
                if used:
                    raise forms.ValidationError(
                        _("核验码中没有“%(symbol)s”（核验码不使用 %(unused)s，请核对是否为相近的字母或数字）"),
                        params={"symbol": exc.symbol, "unused": used}, code="symbol") from None  # fmt: skip
                raise forms.ValidationError(_("核验码只含数字 2-9 和大写字母，不含“%(symbol)s”"),
                                            params={"symbol": exc.symbol}, code="symbol") from None  # fmt: skip
            if exc.reason == "length":
                raise forms.ValidationError(_("核验码为 %(length)d 位，您输入了 %(typed)d 位"),
                                            params={"length": LENGTH, "typed": exc.length}, code="length") from None
            raise forms.ValidationError(_("校验码有误：核验码中有输错或顺序颠倒的字符，请对照文书重新输入"),
                                        code="check") from None  # fmt: skip

