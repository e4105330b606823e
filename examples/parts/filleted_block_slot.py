# A 80 x 50 x 20 block with filleted vertical edges, a through slot and two holes.
import cadquery as cq

result = (
    cq.Workplane("XY")
    .box(80, 50, 20, centered=(True, True, False))
    .edges("|Z").fillet(8)
    .faces(">Z").workplane()
    .slot2D(40, 12).cutThruAll()
    .faces(">Z").workplane()
    .pushPoints([(-30, 15), (30, 15)]).hole(6)
)
