# A 40 x 20 x 20 block stepped down on the right (to 10) and notched at the back left (to 15).
import cadquery as cq

block = cq.Workplane("XY").box(40, 20, 20, centered=False)
block = block.cut(cq.Workplane("XY").box(20, 20, 10, centered=False).translate((20, 0, 10)))
block = block.cut(cq.Workplane("XY").box(20, 10, 5, centered=False).translate((0, 10, 15)))
result = block
