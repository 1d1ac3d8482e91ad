from django.core.management.base import BaseCommand
from django.db import connection, transaction

from safetynet.care import demo as care_demo
from safetynet.cases.models import State
from safetynet.charity import demo as charity_demo
from safetynet.children import demo as children_demo
from safetynet.discovery import demo as discovery_demo
from safetynet.funerals import demo as funerals_demo
from safetynet.registry.models import Household
from safetynet.site import demo
from safetynet.web import clock


class Command(BaseCommand):
    help = "Create the synthetic Jining of the demo (areas, staff of every role, households, cases in every state)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=demo.DEMO_HOUSEHOLDS)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, households, seed, **options):
        if Household.objects.exists():
            self.stdout.write("演示数据已存在，跳过生成（删除 var/safetynet.sqlite3 可重新生成）。")
            logins = demo.demo_users()
        else:
            self.stdout.write(f"正在生成演示数据：{households} 户……（{connection.vendor}）")
            if connection.vendor == "sqlite" and not connection.in_atomic_block:  # SQLite allows it only there
                # Each service's savepoint keeps the pages it changes in a sub-journal: a temporary
                # file by default, written page by page (some 100,000 writes a minute); in memory here.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA temp_store = MEMORY")
            # One transaction: a seed that fails half-way leaves nothing, so running it again works.
            with transaction.atomic():
                logins = self._seed(households, seed)
        self.stdout.write(f"\n演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for username, role, area in logins:
            self.stdout.write(f"  {username:20s} {role:10s} {area}")

    def _seed(self, households: int, seed: int) -> list[tuple[str, str, str]]:
        counts = demo.seed(households=households, seed=seed, progress=True)
        self.stdout.write(f"主动发现任务：{discovery_demo.seed(clock.today())} 件")  # issue 12
        self.stdout.write(f"殡葬费用减免：{funerals_demo.seed(clock.today())} 条（殡仪馆账号 "
                          + "、".join(f"funeral_home_{code}" for code, _n in funerals_demo.HOMES.values()) + "）")
        care_demo.seed(clock.today())  # tekun in practice: homes, placements, care at home
        self.stdout.write(f"儿童保障与助学：{children_demo.seed(clock.today())} 件")
        demo.catch_up_payrolls(clock.today())  # what the apps' demos made owed (care's moves to tekun)
        states = dict(State.choices)
        self.stdout.write("案件状态：" + "，".join(f"{states.get(k, k)} {v}" for k, v in sorted(counts.items())))
        logins = demo.demo_logins()  # the seed made them
        logins += charity_demo.seed(seed=seed)  # the social forces: organisations, donations, supermarkets
        demo.name_staff(seed)  # pages name staff by name, never by login
        return logins
