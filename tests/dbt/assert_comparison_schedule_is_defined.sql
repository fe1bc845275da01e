-- The var business_hours_comparison_schedule must name a schedule of the business_hours seed;
-- a typo would otherwise leave every business-time figure null without a word.
with

schedules as (

    select distinct schedule
    from {{ ref('business_hours') }}

),

comparison as (

    select {{ business_hours_comparison_schedule() }} as schedule

)

select comparison.schedule
from comparison
left join schedules
    on comparison.schedule = schedules.schedule
where
    comparison.schedule is not null
    and schedules.schedule is null
