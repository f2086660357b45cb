"""stub"""
from dataclasses import dataclass
from workflows.legistique.errors import NoChange
@dataclass(frozen=True)
class Generated:
    dispositif: str
    alinea: int | None
    family: str
def generate_dispositif(before, after):
    raise NoChange()
