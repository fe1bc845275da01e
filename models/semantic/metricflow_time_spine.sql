-- Daily time spine for dbt's semantic layer (MetricFlow), 2020 to 2035.
with

days as (

    {{ date_spine("cast('2020-01-01' as date)", "cast('2035-12-31' as date)", 1) }}

),

final as (

    select spine_date as date_day
    from days

)

select * from final
