"""An async Python guest: its exports are lifted `async` and await an
async-lowered host import."""

import wit_world
from wit_world.imports import host


class WitWorld(wit_world.WitWorld):
    async def sum_to(self, n: int) -> int:
        total = 0
        for i in range(1, n + 1):
            total = await host.add(total, i)
        return total

    async def shout(self, words: list[str]) -> str:
        count = await host.add(len(words), 0)
        return " ".join(w.upper() for w in words) + "!" * count
