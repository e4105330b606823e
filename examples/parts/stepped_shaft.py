# A stepped shaft along Z: diameters 40, 30 and 20 over lengths 20, 40 and 30, chamfered tip.
import cadquery as cq

shaft = (
    cq.Workplane("XY")
    .circle(20).extrude(20)
    .faces(">Z").workplane().circle(15).extrude(40)
    .faces(">Z").workplane().circle(10).extrude(30)
    .faces(">Z").edges().chamfer(2)
)
result = shaft
