"""The charity's Excel files: an organisation's monthly donations statement, a supermarket's
monthly statement, and the figures. Amounts in yuan with two decimals."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from safetynet.charity.selectors import purpose_label
from safetynet.policy.money import fmt
from safetynet.site.sheets import append_row


def _y(fen: int) -> float:
    return float(fmt(fen))


def _save(wb) -> bytes:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _title(ws, text: str) -> None:
    append_row(ws, [text])
    ws["A1"].font = Font(bold=True, size=13)


def donation_sheet(s: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{s['month']:%Y-%m}"
    _title(ws, f"{s['organisation'].name} 捐赠收支月报 {s['month']:%Y 年 %m 月}")
    append_row(ws, ["用途", "期初余额（元）", "本月接收（元）", "本月支出（元）", "期末余额（元）"])
    for r in [*s["rows"], {**s["total"], "label": "合计"}]:
        append_row(ws, [r["label"], _y(r["opening_fen"]), _y(r["received_fen"]), _y(r["spent_fen"]),
                        _y(r["closing_fen"])])
    append_row(ws, [])
    append_row(ws, ["序号", "日期", "类别", "票据号", "捐赠人", "物资", "资金用途", "金额（元）", "支出对象", "说明"])
    for i, e in enumerate(s["entries"], start=1):
        target = (e.project.name if e.project_id else e.household.village.name + "家庭" if e.household_id
                  else e.supermarket.name if e.supermarket_id else "")
        receipt = e.gift_receipt
        append_row(ws, [i, e.on.isoformat(), e.get_kind_display(), receipt, e.donor, e.goods,
                        purpose_label(e.purpose), _y(e.amount_fen), target, e.description])
    return _save(wb)


def supermarket_sheet(s: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{s['month']:%Y-%m}"
    m = s["summary"]
    _title(ws, f"{s['supermarket'].name} 月度报表 {s['month']:%Y 年 %m 月}")
    for label, fen in (("期初库存价值", m["opening_fen"]), ("捐赠入库", m["donated_fen"]),
                       ("采购入库", m["purchased_fen"]), ("发放", m["given_fen"]), ("期末库存价值", m["closing_fen"])):
        append_row(ws, [f"{label}（元）", _y(fen)])
    append_row(ws, ["兑换积分", m["points"]])
    append_row(ws, ["本月领取家庭（户）", m["households"]])
    append_row(ws, ["登记服务家庭（户）", m["enrolled"]])
    append_row(ws, ["每户每月积分额度", m["allowance"]])
    append_row(ws, [])
    append_row(ws, ["序号", "日期", "类别", "物品", "数量", "价值（元）", "积分", "领取家庭（村居）"])
    for i, e in enumerate(s["entries"], start=1):
        append_row(ws, [i, e.on.isoformat(), e.get_kind_display(), e.item, e.quantity, _y(e.value_fen), e.points,
                        e.household.village.name if e.household_id else ""])
    return _save(wb)


def figures_sheet(fig: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "捐赠"
    _title(ws, f"社会力量参与社会救助统计 {fig['start']} 至 {fig['end']}")
    append_row(ws, ["资金用途", "接收（元）", "支出（元）"])
    for r in fig["donations"]:
        append_row(ws, [r["label"], _y(r["received_fen"]), _y(r["spent_fen"])])
    t = fig["donation_total"]
    append_row(ws, ["合计", _y(t["received_fen"]), _y(t["spent_fen"])])
    append_row(ws, ["其中物资捐赠", _y(t["goods_fen"])])

    ws = wb.create_sheet("项目")
    append_row(ws, ["类别", "项目数", "服务价值（元）", "捐赠支出到项目（元）", "受助家庭（户）", "受助人次",
                    "工作人员人次", "工作人员时长（小时）", "志愿者人次", "志愿者时长（小时）"])
    for p in [*fig["programmes"], {**fig["programme_total"], "label": "合计"}]:
        append_row(ws, [p["label"], p["projects"], _y(p["delivered_fen"]), _y(p["donations_fen"]), p["households"],
                        p["person_times"], p["staff_times"], float(p["staff_hours"]), p["volunteer_times"],
                        float(p["volunteer_hours"])])

    ws = wb.create_sheet("慈善超市")
    sm = fig["supermarket"]
    for label, v in (("慈善超市（处）", sm["supermarkets"]), ("领取家庭（户）", sm["households"]),
                     ("入库价值（元）", _y(sm["received_fen"])), ("发放价值（元）", _y(sm["given_fen"])),
                     ("兑换积分", sm["points"])):
        append_row(ws, [label, v])

    ws = wb.create_sheet("社会组织")
    append_row(ws, ["类型", "数量"])
    for o in fig["organisations"]:
        append_row(ws, [o["label"], o["count"]])
    append_row(ws, ["合计", fig["organisation_total"]])
    append_row(ws, ["孵化基地（个）", fig["incubation"]["bases"]])
    append_row(ws, ["入驻孵化基地的组织", fig["incubation"]["organisations"]])

    ws = wb.create_sheet("公益创投")
    append_row(ws, ["名称", "年度", "资助总额（元）", "申报", "获资助", "资助金额（元）", "已服务价值（元）"])
    for r in fig["rounds"]:
        append_row(ws, [r["name"], r["year"], _y(r["budget_fen"]), r["applications"], r["funded"],
                        _y(r["funded_fen"]), _y(r["delivered_fen"])])
    return _save(wb)
