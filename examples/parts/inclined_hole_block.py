# A 60 x 40 x 30 block with a Ø8 hole at 45° in the XZ plane through its centre, and a
# 3 x 45° chamfer on its four vertical edges.
import cadquery as cq

block = (
    cq.Workplane("XY")
    .box(60, 40, 30, centered=(False, False, False))
    .edges("|Z").chamfer(3)
)
pin = (
    cq.Workplane("XY")
    .cylinder(80, 4)
    .rotate((0, 0, 0), (0, 1, 0), 45)
    .translate((30, 20, 15))
)
result = block.cut(pin)
