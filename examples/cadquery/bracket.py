# An L-bracket with a fillet on the inner edge and two mounting holes, in the style models write.
import cadquery as cq

length, width, thickness = 60.0, 30.0, 5.0
height = 40.0

base = cq.Workplane("XY").box(length, width, thickness, centered=(True, True, False))
wall = (
    cq.Workplane("XY")
    .box(thickness, width, height, centered=(False, True, False))
    .translate((-length / 2, 0, 0))
)
bracket = base.union(wall)
bracket = bracket.faces(">Z").workplane().pushPoints([(10, 0), (22, 0)]).hole(6)
show_object(bracket)
